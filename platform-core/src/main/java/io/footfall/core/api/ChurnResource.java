package io.footfall.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.footfall.core.plugin.PluginResults;
import io.footfall.core.profile.ProfileQueries;
import io.footfall.core.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Churn risk and purchase propensity per user, and the at-risk list, served from the {@code churn} plugin's results
 * in the results read model. Per known user the plugin publishes four {@code UserScore}s (see
 * {@code docs/plugins/churn.md}): {@code churn} and {@code propensity} (probability, band, top reasons),
 * {@code retention} (band = the retention action, reason = the one that triggered it) and {@code churn-context}
 * (score = customer value, band = {@code model} or {@code cold-start}, reasons {@code model_version} and
 * {@code history_days}). This resource joins them into one answer per user.
 */
@Path("/api/v1/churn")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.ANALYST})
public class ChurnResource {

    /** The plugin whose scores are served. */
    public static final String PLUGIN_ID = "churn";
    /** Users per page of the at-risk list when no limit is given. */
    public static final int DEFAULT_LIMIT = 50;
    /** Most users one page of the at-risk list may hold. */
    public static final int MAX_LIMIT = 1000;

    static final String CHURN = "churn";
    static final String PROPENSITY = "propensity";
    static final String RETENTION = "retention";
    static final String CONTEXT = "churn-context";

    @Inject
    PluginResults results;

    /**
     * One user's score.
     *
     * @param userId        the user
     * @param target        {@code churn} or {@code propensity}
     * @param probability   calibrated probability in [0, 1]
     * @param band          {@code high}, {@code medium} or {@code low}
     * @param coldStart     true when the user had too little history for the model: the probability is the population
     *                      rate of new users of the same lifecycle stage, and the one reason says so
     * @param reasons       the strongest contributions to the score, strongest first, phrased for operators
     * @param strategies    retention strategies for an at-risk user (churn only; empty for low risk and propensity)
     * @param customerValue revenue of the last 90 days (the value the retention rules use), or null when unknown
     * @param modelVersion  the model version that computed the score, or null when unknown
     * @param scoredAt      when the plugin published the score
     */
    public record Score(String userId, String target, double probability, String band, boolean coldStart,
                        List<Reason> reasons, List<Strategy> strategies, Double customerValue, Integer modelVersion,
                        Instant scoredAt) {
    }

    /**
     * A reason.
     *
     * @param feature      the feature (or {@code cold_start})
     * @param contribution its contribution to the log-odds (TreeSHAP); 0 for {@code cold_start}
     * @param text         e.g. "no purchase for 45 days"
     */
    public record Reason(String feature, double contribution, String text) {
    }

    /**
     * A retention strategy.
     *
     * @param action e.g. {@code coupon}, {@code recommendations}, {@code customer-care}, {@code onboarding}
     * @param reason the reason that triggered the rule, as text
     */
    public record Strategy(String action, String reason) {
    }

    /**
     * One page of the at-risk list.
     *
     * @param users riskiest first (probability, then user id)
     * @param next  the {@code after} of the next page, or null on the last page
     */
    public record AtRisk(List<Score> users, String next) {
    }

    /**
     * The users most likely to churn, riskiest first, with value, reasons and strategies.
     *
     * @param limit    users per page, 1 … {@value #MAX_LIMIT} (default {@value #DEFAULT_LIMIT})
     * @param minValue only users whose customer value is at least this (a finite number ≥ 0)
     * @param after    the {@code next} of the previous page
     */
    @GET
    @Path("/at-risk")
    public AtRisk atRisk(@QueryParam("limit") String limit, @QueryParam("minValue") String minValue,
                         @QueryParam("after") String after) {
        int n = Params.limit(limit, DEFAULT_LIMIT, MAX_LIMIT);
        Double min = minValue(minValue);
        Double afterScore = null;
        String afterUser = null;
        if (after != null && !after.isBlank()) {
            int colon = after.indexOf(':');
            try {
                afterScore = colon < 0 ? null : Double.valueOf(after.substring(0, colon));
            } catch (NumberFormatException e) {
                afterScore = null;
            }
            if (afterScore == null || !Double.isFinite(afterScore)) {
                throw Problem.badRequest("after", "after must be the next value of the previous page (<probability>:<user id>)");
            }
            afterUser = after.substring(colon + 1);
        }
        List<Score> users = new ArrayList<>();
        for (PluginResults.UserScores s : results.rankedUserScores(PLUGIN_ID, CHURN, List.of(RETENTION, CONTEXT), CONTEXT, min,
                afterScore, afterUser, n)) {
            users.add(score(s.userId(), CHURN, s.scores().get(0), s.scores().get(1), s.scores().get(2)));
        }
        String next = null;
        if (users.size() == n) {
            Score last = users.get(n - 1);
            next = String.format(Locale.ROOT, "%s:%s", Double.toString(last.probability()), last.userId());
        }
        return new AtRisk(users, next);
    }

    private static Double minValue(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        double v;
        try {
            v = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (!Double.isFinite(v) || v < 0) {
            throw Problem.badRequest("minValue", "minValue must be a number >= 0 (customer value: revenue of the last 90 days)");
        }
        return v;
    }

    /** Builds a score from the stored results; retention and context may be null. */
    static Score score(String userId, String target, PluginResults.StoredResult main, PluginResults.StoredResult retention,
                       PluginResults.StoredResult context) {
        JsonNode s = main.result();
        List<Reason> reasons = new ArrayList<>();
        boolean coldStart = false;
        for (JsonNode r : s.path("reasons")) {
            String feature = r.path("feature").asText();
            coldStart |= "cold_start".equals(feature);
            reasons.add(new Reason(feature, r.path("contribution").asDouble(), r.path("text").asText()));
        }
        List<Strategy> strategies = new ArrayList<>();
        if (CHURN.equals(target) && retention != null) {
            String action = retention.result().path("band").asText("none");
            if (!action.isEmpty() && !"none".equals(action)) {
                JsonNode trigger = retention.result().path("reasons").path(0);
                strategies.add(new Strategy(action, trigger.isMissingNode() ? null : trigger.path("text").asText()));
            }
        }
        Double value = null;
        Integer version = null;
        if (context != null) {
            JsonNode c = context.result();
            value = c.path("score").isNumber() ? c.path("score").asDouble() : null;
            coldStart |= "cold-start".equals(c.path("band").asText());
            for (JsonNode fact : c.path("reasons")) {
                if ("model_version".equals(fact.path("feature").asText())) {
                    version = (int) Math.round(fact.path("contribution").asDouble());
                }
            }
        }
        return new Score(userId, target, s.path("score").asDouble(), s.path("band").asText(null), coldStart, reasons,
                strategies, value, version, main.recordedAt());
    }

    /** The stored score of a user, joined with the retention and context scores; 404 for an unknown or unscored user. */
    static Score userScore(PluginResults results, ProfileQueries profiles, String id, String target) {
        Optional<PluginResults.StoredResult> main = results.byKey(PLUGIN_ID, "USER_SCORE", target + ":" + id);
        if (main.isEmpty()) {
            if (profiles.personOf(id).isEmpty()) {
                throw Problem.notFound("user " + id);
            }
            throw Problem.notFound(target + " score of user " + id
                    + " (no model is serving yet, the user is an anonymous visitor, or not yet folded by the churn plugin)");
        }
        PluginResults.StoredResult retention = results.byKey(PLUGIN_ID, "USER_SCORE", RETENTION + ":" + id).orElse(null);
        PluginResults.StoredResult context = results.byKey(PLUGIN_ID, "USER_SCORE", CONTEXT + ":" + id).orElse(null);
        return score(id, target, main.get(), retention, context);
    }

    /**
     * A user's churn risk. A root resource of its own, because {@code /api/v1/users} is {@link InsightsResource}'s
     * root and the most specific root path wins.
     */
    @Path("/api/v1/users/{id}/churn")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.ANALYST})
    public static class UserChurnResource {

        @Inject
        PluginResults results;

        @Inject
        ProfileQueries profiles;

        /** The user's churn risk: 404 for an unknown user, or a user the plugin has not scored (yet). */
        @GET
        public Score churn(@PathParam("id") String id) {
            return userScore(results, profiles, id, CHURN);
        }
    }

    /** A user's purchase propensity (a root resource of its own, as {@link UserChurnResource}). */
    @Path("/api/v1/users/{id}/propensity")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.ANALYST})
    public static class UserPropensityResource {

        @Inject
        PluginResults results;

        @Inject
        ProfileQueries profiles;

        /** The user's purchase propensity: 404 as for the churn risk. */
        @GET
        public Score propensity(@PathParam("id") String id) {
            return userScore(results, profiles, id, PROPENSITY);
        }
    }
}
