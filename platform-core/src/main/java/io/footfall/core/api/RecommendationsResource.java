package io.footfall.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.footfall.core.plugin.PluginResults;
import io.footfall.core.profile.ProfileQueries;
import io.footfall.core.profile.ProfileView;
import io.footfall.core.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * "Recommended for you" and "similar items", served from the recommender plugin's ranked lists in the results read
 * model: {@code recommended:user:<id>} (reasons in the list's context, one line per item after the header
 * {@code reasons}), {@code purchased:user:<id>}, {@code similar:context:<item>} (trained), {@code
 * covisit:context:<item>} (real time) and {@code popular:context:all|category:<name>}. A user without a list gets
 * cold-start results: popular items of the top categories of their live profile, then popular items overall.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.ANALYST})
public class RecommendationsResource {

    /** The plugin whose lists are served. */
    public static final String PLUGIN_ID = "recommender";
    /** Items returned when no limit is given. */
    public static final int DEFAULT_LIMIT = 10;
    /** Most items one request may ask for. */
    public static final int MAX_LIMIT = 100;

    @Inject
    PluginResults results;

    @Inject
    ProfileQueries profiles;

    /**
     * Recommendations for a user.
     *
     * @param userId  the user asked about
     * @param context the context asked with ({@code item:<id>}), or null
     * @param source  {@code personal} (the user's own list) or {@code cold-start}
     * @param items   best first
     */
    public record Recommendations(String userId, String context, String source, List<Item> items) {
    }

    /**
     * Items similar to an item.
     *
     * @param itemId the item asked about
     * @param items  best first; empty for an unknown item
     */
    public record Similar(String itemId, List<Item> items) {
    }

    /**
     * One recommended item.
     *
     * @param itemId the item
     * @param score  relevance, higher is better (comparable within one answer)
     * @param reason why, e.g. "because you viewed p-1", "popular in Shoes"
     */
    public record Item(String itemId, double score, String reason) {
    }

    @GET
    @Path("/recommendations/{userId}")
    public Recommendations recommendations(@PathParam("userId") String userId, @QueryParam("limit") String limit,
                                           @QueryParam("context") String context) {
        int n = Params.limit(limit, DEFAULT_LIMIT, MAX_LIMIT);
        String contextItem = contextItem(context);
        Map<String, Item> merged = new LinkedHashMap<>();
        String source = "personal";
        Optional<JsonNode> own = list("recommended:user:" + userId).filter(l -> l.path("items").size() > 0);
        if (own.isPresent()) {
            String[] reasons = own.get().path("context").asText("").split("\n", -1);
            JsonNode items = own.get().path("items");
            for (int k = 0; k < items.size(); k++) {
                String reason = k + 1 < reasons.length ? reasons[k + 1] : "recommended for you";
                put(merged, items.get(k).path("itemId").asText(), items.get(k).path("score").asDouble(), reason);
            }
        } else {
            source = "cold-start";
            coldStart(userId, merged, Math.max(n, 20) + (contextItem == null ? 0 : 1));
        }
        if (contextItem != null) {
            Set<String> bought = new HashSet<>();
            list("purchased:user:" + userId).ifPresent(p -> p.path("items").forEach(i -> bought.add(i.path("itemId").asText())));
            double max = merged.values().stream().mapToDouble(Item::score).max().orElse(1);
            Map<String, Item> blended = new LinkedHashMap<>();
            merged.values().forEach(i -> blended.put(i.itemId(), new Item(i.itemId(), 0.5 * i.score() / max, i.reason())));
            for (Item s : similarItems(contextItem, Math.max(n, 20))) {
                if (bought.contains(s.itemId())) {
                    continue;
                }
                Item mine = blended.get(s.itemId());
                double fromContext = 0.5 * s.score();
                double score = (mine == null ? 0 : mine.score()) + fromContext;
                String reason = mine == null || fromContext >= mine.score() ? "because you are viewing " + contextItem : mine.reason();
                blended.put(s.itemId(), new Item(s.itemId(), score, reason));
            }
            blended.remove(contextItem);
            merged = blended;
        }
        List<Item> ranked = new ArrayList<>(merged.values());
        if (contextItem != null || "cold-start".equals(source)) {
            ranked.sort((a, b) -> Double.compare(b.score(), a.score()));
        }
        List<Item> out = new ArrayList<>();
        for (Item i : ranked.subList(0, Math.min(n, ranked.size()))) {
            out.add(new Item(i.itemId(), Math.round(i.score() * 1e6) / 1e6, i.reason()));
        }
        return new Recommendations(userId, context == null || context.isBlank() ? null : context.trim(), source, out);
    }

    @GET
    @Path("/items/{id}/similar")
    public Similar similar(@PathParam("id") String id, @QueryParam("limit") String limit) {
        int n = Params.limit(limit, DEFAULT_LIMIT, MAX_LIMIT);
        return new Similar(id, similarItems(id, n));
    }

    /** The trained similar items of an item, then real-time co-visitation neighbours that are not among them. */
    private List<Item> similarItems(String id, int n) {
        Map<String, Item> merged = new LinkedHashMap<>();
        String reason = "customers who viewed " + id + " also viewed this";
        list("similar:context:" + id).ifPresent(l -> l.path("items").forEach(i -> put(merged, i.path("itemId").asText(),
                i.path("score").asDouble(), reason)));
        list("covisit:context:" + id).ifPresent(l -> l.path("items").forEach(i -> put(merged, i.path("itemId").asText(),
                (merged.isEmpty() ? 1.0 : 0.5) * i.path("score").asDouble(), reason)));
        merged.remove(id);
        List<Item> ranked = new ArrayList<>(merged.values());
        ranked.sort((a, b) -> Double.compare(b.score(), a.score()));
        return List.copyOf(ranked.subList(0, Math.min(n, ranked.size())));
    }

    /** Popular items of the profile's top three categories (weighted by the category's share), then overall. */
    private void coldStart(String userId, Map<String, Item> into, int n) {
        Optional<ProfileView> profile = profiles.live(userId);
        if (profile.isPresent() && profile.get().topCategories() != null) {
            List<ProfileView.Weighted> top = profile.get().topCategories();
            for (ProfileView.Weighted c : top.subList(0, Math.min(3, top.size()))) {
                list("popular:context:category:" + c.name()).ifPresent(l -> l.path("items").forEach(i -> put(into,
                        i.path("itemId").asText(), c.weight() * i.path("score").asDouble(), "popular in " + c.name())));
            }
        }
        list("popular:context:all").ifPresent(l -> {
            JsonNode items = l.path("items");
            for (int k = 0; k < items.size() && into.size() < n; k++) {
                put(into, items.get(k).path("itemId").asText(), 0.05 * items.get(k).path("score").asDouble(), "popular right now");
            }
        });
    }

    private static void put(Map<String, Item> into, String item, double score, String reason) {
        Item old = into.get(item);
        if (old == null || old.score() < score) {
            into.put(item, new Item(item, score, reason));
        }
    }

    private Optional<JsonNode> list(String key) {
        return results.rankedItems(PLUGIN_ID, key).map(PluginResults.StoredResult::result);
    }

    /** The item of a {@code context=item:<id>}, null when absent; a 400 naming {@code context} otherwise. */
    private static String contextItem(String context) {
        if (context == null || context.isBlank()) {
            return null;
        }
        String c = context.trim();
        if (!c.startsWith("item:") || c.length() == "item:".length()) {
            throw Problem.badRequest("context", "context must be item:<product id>");
        }
        return c.substring("item:".length());
    }

}
