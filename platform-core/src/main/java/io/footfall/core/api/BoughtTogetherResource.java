package io.footfall.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.footfall.core.plugin.PluginResults;
import io.footfall.core.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * "Frequently bought together": the items that the basket-rules plugin's association rules {@code {item} ⇒ {other}}
 * recommend with an item, read from the results read model.
 */
@Path("/api/v1/items/{id}/bought-together")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.ANALYST})
public class BoughtTogetherResource {

    /** The plugin whose rules are served. */
    public static final String PLUGIN_ID = "basket-rules";
    /** Items returned when no limit is given. */
    public static final int DEFAULT_LIMIT = 10;
    /** Most items one request may ask for. */
    public static final int MAX_LIMIT = 100;

    @Inject
    PluginResults results;

    /**
     * The answer.
     *
     * @param itemId the item asked about
     * @param items  items bought with it, best first (confidence, then lift); empty for an item without rules
     */
    public record BoughtTogether(String itemId, List<Item> items) {
    }

    /**
     * One item bought together with the asked one: the rule {@code {itemId of the request} ⇒ {itemId}}.
     *
     * @param itemId     the recommended item
     * @param support    share of orders holding both items
     * @param confidence share of the orders with the asked item that also hold this one
     * @param lift       confidence divided by this item's own share of orders
     */
    public record Item(String itemId, double support, double confidence, double lift) {
    }

    @GET
    public BoughtTogether boughtTogether(@PathParam("id") String id, @QueryParam("limit") String limit) {
        int n = Params.limit(limit, DEFAULT_LIMIT, MAX_LIMIT);
        List<Item> items = results.rulesFrom(PLUGIN_ID, id, n).stream().map(r -> item(r.result())).toList();
        return new BoughtTogether(id, items);
    }

    private static Item item(JsonNode rule) {
        return new Item(rule.path("consequent").path(0).asText(), rule.path("support").asDouble(),
                rule.path("confidence").asDouble(), rule.path("lift").asDouble());
    }
}
