package io.footfall.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.footfall.api.plugin.PluginContext;

/** A plugin that needs a library the host does not provide (for {@link ConformanceCatchesBrokenPluginsTest}). */
public class JacksonPlugin extends CountingPlugin {
    @Override
    public void open(PluginContext context) {
        super.open(context);
        context.log().info("%s", new ObjectMapper().createObjectNode().put("opened", true));
    }
}
