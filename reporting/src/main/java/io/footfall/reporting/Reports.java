package io.footfall.reporting;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The reports' JSON shapes (the contract of docs/reporting.md) and their exports: small-group suppression and CSV.
 *
 * <p>Suppression (exports only): a row is suppressed when one of its counts is between 1 and {@code k − 1}
 * ({@code footfall.reports.min-group-size}); a suppressed row keeps its label, loses every number, and carries
 * {@code "suppressed": true} (JSON) or {@code true} in the CSV's {@code suppressed} column. Zero is not a group and
 * is never suppressed.
 */
public final class Reports {

    private Reports() {
    }

    static boolean small(Long n, int k) {
        return n != null && n > 0 && n < k;
    }

    static boolean small(int k, Long... counts) {
        for (Long n : counts) {
            if (small(n, k)) {
                return true;
            }
        }
        return false;
    }

    /** Round to 4 decimals. */
    static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }

    /**
     * The behaviour overview.
     *
     * @param from        first day
     * @param to          last day
     * @param granularity day, week or month
     * @param series      one entry per period with activity
     * @param totals      over the whole range
     */
    public record Overview(String from, String to, String granularity, List<Period> series, Totals totals) {
        /**
         * Suppresses small periods, and then the totals too when any period is suppressed: the totals' new users,
         * sessions and events are sums over the periods, so one suppressed period could otherwise be recovered by
         * subtraction (complementary suppression).
         */
        Overview suppress(int k) {
            List<Period> periods = series.stream().map(p -> p.suppress(k)).toList();
            boolean any = periods.stream().anyMatch(p -> Boolean.TRUE.equals(p.suppressed()));
            return new Overview(from, to, granularity, periods, any ? Totals.SUPPRESSED : totals.suppress(k));
        }

        Csv csv() {
            TreeSet<String> types = new TreeSet<>();
            series.forEach(p -> {
                if (p.eventsByType() != null) {
                    types.addAll(p.eventsByType().keySet());
                }
            });
            List<String> header = new ArrayList<>(List.of("period", "active_users", "new_users", "returning_users", "sessions", "events"));
            types.forEach(t -> header.add("events:" + t));
            header.add("suppressed");
            Csv csv = new Csv(header);
            for (Period p : series) {
                List<Object> row = new ArrayList<>(List.of(p.period()));
                row.addAll(java.util.Arrays.asList(p.activeUsers(), p.newUsers(), p.returningUsers(), p.sessions(), p.events()));
                types.forEach(t -> row.add(p.eventsByType() == null ? null : p.eventsByType().getOrDefault(t, 0L)));
                row.add(Boolean.TRUE.equals(p.suppressed()));
                csv.row(row);
            }
            List<Object> total = new ArrayList<>(List.of("total"));
            total.addAll(java.util.Arrays.asList(totals.activeUsers(), totals.newUsers(), totals.returningUsers(), totals.sessions(), totals.events()));
            types.forEach(t -> total.add(null));
            total.add(Boolean.TRUE.equals(totals.suppressed()));
            csv.row(total);
            return csv;
        }
    }

    /**
     * One period of the overview.
     *
     * @param period         first day of the period (ISO date)
     * @param activeUsers    people with an event in the period
     * @param newUsers       of them, first seen in the period
     * @param returningUsers of them, seen before the period
     * @param sessions       sessions started
     * @param events         events
     * @param eventsByType   events per type label
     * @param suppressed     true when suppressed in an export
     */
    public record Period(String period, Long activeUsers, Long newUsers, Long returningUsers, Long sessions, Long events,
                         Map<String, Long> eventsByType, Boolean suppressed) {
        Period suppress(int k) {
            return small(k, activeUsers, newUsers, returningUsers) ? new Period(period, null, null, null, null, null, null, true) : this;
        }
    }

    /**
     * Overview totals over the whole range.
     *
     * @param activeUsers    distinct people active in the range
     * @param newUsers       of them, first seen in the range
     * @param returningUsers of them, seen before the range
     * @param sessions       sessions
     * @param events         events
     * @param suppressed     true when suppressed in an export
     */
    public record Totals(Long activeUsers, Long newUsers, Long returningUsers, Long sessions, Long events, Boolean suppressed) {
        static final Totals SUPPRESSED = new Totals(null, null, null, null, null, true);

        Totals suppress(int k) {
            return small(k, activeUsers, newUsers, returningUsers) ? SUPPRESSED : this;
        }
    }

    /**
     * A funnel.
     *
     * @param steps  the steps in order
     * @param source where the counts come from: {@code rollup} (the default funnel's pre-aggregated rollup),
     *               {@code saved} (a saved funnel's per-person entries or their rollup) or {@code on-request} (counted
     *               now from the per-person step rows: steps given as parameters, or a saved funnel whose backfill
     *               is still running; save a funnel to have it kept pre-aggregated)
     */
    public record Funnel(List<FunnelStep> steps, String source) {
        /** {@link #source} values. */
        static final String ROLLUP = "rollup";
        static final String SAVED = "saved";
        static final String ON_REQUEST = "on-request";

        /**
         * Suppresses small steps, and every step after the first suppressed one: a later step's users plus its
         * drop-off would otherwise give back the suppressed step's users (complementary suppression).
         */
        Funnel suppress(int k) {
            List<FunnelStep> out = new ArrayList<>();
            boolean after = false;
            for (FunnelStep s : steps) {
                FunnelStep kept = after ? s.hidden() : s.suppress(k);
                after |= Boolean.TRUE.equals(kept.suppressed());
                out.add(kept);
            }
            return new Funnel(out, source);
        }

        Csv csv() {
            Csv csv = new Csv(List.of("step", "name", "users", "conversion_from_previous", "conversion_from_start", "drop_off", "suppressed"));
            int i = 1;
            for (FunnelStep s : steps) {
                csv.row(java.util.Arrays.asList(i++, s.name(), s.users(), s.conversionFromPrevious(), s.conversionFromStart(), s.dropOff(),
                        Boolean.TRUE.equals(s.suppressed())));
            }
            return csv;
        }
    }

    /**
     * A funnel step.
     *
     * @param name                   event name
     * @param users                  people who reached it in order within the window
     * @param conversionFromPrevious share of the previous step's people (1 for the first step)
     * @param conversionFromStart    share of the first step's people
     * @param dropOff                people of the previous step who did not reach it (0 for the first)
     * @param suppressed             true when suppressed in an export
     */
    public record FunnelStep(String name, Long users, Double conversionFromPrevious, Double conversionFromStart, Long dropOff, Boolean suppressed) {
        FunnelStep suppress(int k) {
            return small(k, users, dropOff) ? hidden() : this;
        }

        FunnelStep hidden() {
            return new FunnelStep(name, null, null, null, null, true);
        }
    }

    /**
     * Weekly retention cohorts.
     *
     * @param weeks   weeks followed per cohort
     * @param cohorts cohorts by first week
     */
    public record Cohorts(int weeks, List<Cohort> cohorts) {
        Cohorts suppress(int k) {
            return new Cohorts(weeks, cohorts.stream().map(c -> c.suppress(k)).toList());
        }

        Csv csv() {
            List<String> header = new ArrayList<>(List.of("cohort", "start", "size"));
            for (int i = 0; i < weeks; i++) {
                header.add("week_" + i);
            }
            header.add("suppressed");
            Csv csv = new Csv(header);
            for (Cohort c : cohorts) {
                List<Object> row = new ArrayList<>(java.util.Arrays.asList(c.cohort(), c.start(), c.size()));
                for (int i = 0; i < weeks; i++) {
                    row.add(c.retention() != null && i < c.retention().size() ? c.retention().get(i) : null);
                }
                row.add(Boolean.TRUE.equals(c.suppressed()));
                csv.row(row);
            }
            return csv;
        }
    }

    /**
     * A cohort: the people first seen in one ISO week.
     *
     * @param cohort     ISO week, e.g. {@code 2026-W40}
     * @param start      its Monday
     * @param size       people
     * @param retention  share active in each week since (index 0: the first week, 1.0); weeks after the range's end are left out
     * @param active     people active in each week (not serialised; for suppression)
     * @param suppressed true when suppressed in an export
     */
    public record Cohort(String cohort, String start, Long size, List<Double> retention,
                         @com.fasterxml.jackson.annotation.JsonIgnore List<Long> active, Boolean suppressed) {
        Cohort suppress(int k) {
            boolean hide = small(size, k) || (active != null && active.stream().anyMatch(n -> small(n, k)));
            return hide ? new Cohort(cohort, start, null, null, null, true) : this;
        }
    }

    /**
     * Preference analysis.
     *
     * @param categories  categories by people who interacted with them
     * @param brands      brands likewise
     * @param topProducts products by views, cart adds and purchases
     * @param searches    queries without results and without a click
     */
    public record Preferences(List<Share> categories, List<Share> brands, TopProducts topProducts, Searches searches) {
        Preferences suppress(int k) {
            return new Preferences(categories.stream().map(s -> s.suppress(k)).toList(), brands.stream().map(s -> s.suppress(k)).toList(),
                    topProducts.suppress(k), searches.suppress(k));
        }

        Csv csv() {
            Csv csv = new Csv(List.of("section", "name", "id", "count", "share", "suppressed"));
            categories.forEach(s -> csv.row(java.util.Arrays.asList("category", s.name(), null, s.users(), s.share(), Boolean.TRUE.equals(s.suppressed()))));
            brands.forEach(s -> csv.row(java.util.Arrays.asList("brand", s.name(), null, s.users(), s.share(), Boolean.TRUE.equals(s.suppressed()))));
            topProducts.viewed().forEach(p -> csv.row(java.util.Arrays.asList("viewed", p.name(), p.productId(), p.count(), null, Boolean.TRUE.equals(p.suppressed()))));
            topProducts.carted().forEach(p -> csv.row(java.util.Arrays.asList("carted", p.name(), p.productId(), p.count(), null, Boolean.TRUE.equals(p.suppressed()))));
            topProducts.purchased().forEach(p -> csv.row(java.util.Arrays.asList("purchased", p.name(), p.productId(), p.count(), null, Boolean.TRUE.equals(p.suppressed()))));
            searches.noResult().forEach(q -> csv.row(java.util.Arrays.asList("search_no_result", q.query(), null, q.count(), null, Boolean.TRUE.equals(q.suppressed()))));
            searches.noClick().forEach(q -> csv.row(java.util.Arrays.asList("search_no_click", q.query(), null, q.count(), null, Boolean.TRUE.equals(q.suppressed()))));
            return csv;
        }
    }

    /**
     * A category or brand.
     *
     * @param name       the category or brand
     * @param users      people who viewed, clicked, carted or bought in it
     * @param share      of the people who did so in any category (brand)
     * @param suppressed true when suppressed in an export
     */
    public record Share(String name, Long users, Double share, Boolean suppressed) {
        Share suppress(int k) {
            return small(users, k) ? new Share(name, null, null, true) : this;
        }
    }

    /**
     * Top products.
     *
     * @param viewed    by {@code Product Viewed}
     * @param carted    by {@code Product Added}
     * @param purchased by order lines of {@code Order Completed}
     */
    public record TopProducts(List<ProductCount> viewed, List<ProductCount> carted, List<ProductCount> purchased) {
        TopProducts suppress(int k) {
            return new TopProducts(viewed.stream().map(p -> p.suppress(k)).toList(), carted.stream().map(p -> p.suppress(k)).toList(),
                    purchased.stream().map(p -> p.suppress(k)).toList());
        }
    }

    /**
     * A product and a count.
     *
     * @param productId  product
     * @param name       its name as last seen
     * @param count      events
     * @param suppressed true when suppressed in an export
     */
    public record ProductCount(String productId, String name, Long count, Boolean suppressed) {
        ProductCount suppress(int k) {
            return small(count, k) ? new ProductCount(productId, name, null, true) : this;
        }
    }

    /**
     * Searches that failed.
     *
     * @param noResult searches that reported zero results
     * @param noClick  searches not followed by a product click or view in the session
     */
    public record Searches(List<QueryCount> noResult, List<QueryCount> noClick) {
        Searches suppress(int k) {
            // a rare query can itself identify someone: suppressed rows lose the query as well
            return new Searches(noResult.stream().map(q -> q.suppress(k)).toList(), noClick.stream().map(q -> q.suppress(k)).toList());
        }
    }

    /**
     * A search query and a count.
     *
     * @param query      normalised query
     * @param count      searches
     * @param suppressed true when suppressed in an export
     */
    public record QueryCount(String query, Long count, Boolean suppressed) {
        QueryCount suppress(int k) {
            return small(count, k) ? new QueryCount(null, null, true) : this;
        }
    }

    /**
     * At-risk users.
     *
     * @param users by churn probability, highest first
     */
    public record Churn(List<ChurnUser> users) {
        Csv csv() {
            Csv csv = new Csv(List.of("user_id", "probability", "band", "value", "reasons", "strategies"));
            users.forEach(u -> csv.row(java.util.Arrays.asList(u.userId(), u.probability(), u.band(), u.value(),
                    String.join(" | ", u.reasons()), String.join(" | ", u.strategies()))));
            return csv;
        }
    }

    /**
     * An at-risk user.
     *
     * @param userId      user
     * @param probability churn probability
     * @param band        {@code high} or {@code medium}
     * @param value       the customer's value: revenue of the last 90 days as the churn plugin scored it, null if unknown
     * @param reasons     reasons, strongest first
     * @param strategies  suggested retention actions
     */
    public record ChurnUser(String userId, double probability, String band, Double value, List<String> reasons, List<String> strategies) {
    }

    /**
     * The recommendation report.
     *
     * @param coverage        share of the products seen in events that are in at least one user's recommendations
     * @param mostRecommended items by the number of users' lists holding them
     * @param clickThrough    recommendation clicks per recommendation list shown in the range, null when none was shown
     * @param countedAt       when the lists were last counted (they are counted on a timer, not per request), null before
     *                        the first count
     * @param lists           users with a recommendation list at that time
     */
    public record Recommendations(double coverage, List<ItemCount> mostRecommended,
                                  @JsonInclude(JsonInclude.Include.ALWAYS) Double clickThrough,
                                  @JsonInclude(JsonInclude.Include.ALWAYS) String countedAt, long lists) {
        Recommendations suppress(int k) {
            return new Recommendations(coverage, mostRecommended.stream().map(i -> i.suppress(k)).toList(), clickThrough, countedAt, lists);
        }

        Csv csv() {
            Csv csv = new Csv(List.of("section", "item_id", "value", "suppressed"));
            csv.row(java.util.Arrays.asList("coverage", null, coverage, false));
            csv.row(java.util.Arrays.asList("click_through", null, clickThrough, false));
            csv.row(java.util.Arrays.asList("lists", null, lists, false));
            csv.row(java.util.Arrays.asList("counted_at", null, countedAt, false));
            mostRecommended.forEach(i -> csv.row(java.util.Arrays.asList("most_recommended", i.itemId(), i.count(), Boolean.TRUE.equals(i.suppressed()))));
            return csv;
        }
    }

    /**
     * An item and a count.
     *
     * @param itemId     item
     * @param count      users whose list holds it
     * @param suppressed true when suppressed in an export
     */
    public record ItemCount(String itemId, Long count, Boolean suppressed) {
        ItemCount suppress(int k) {
            return small(count, k) ? new ItemCount(itemId, null, true) : this;
        }
    }

    /**
     * Model versions of every plugin that stored one.
     *
     * @param plugins by plugin id
     */
    public record Models(List<PluginModels> plugins) {
        Csv csv() {
            Csv csv = new Csv(List.of("plugin_id", "version", "created_at", "promoted", "metric", "value"));
            for (PluginModels p : plugins) {
                for (ModelVersion v : p.versions()) {
                    if (v.metrics().isEmpty()) {
                        csv.row(java.util.Arrays.asList(p.pluginId(), v.version(), v.createdAt(), v.promoted(), null, null));
                    }
                    v.metrics().forEach((m, value) -> csv.row(java.util.Arrays.asList(p.pluginId(), v.version(), v.createdAt(), v.promoted(), m, value)));
                }
            }
            return csv;
        }
    }

    /**
     * A plugin's model versions.
     *
     * @param pluginId plugin
     * @param versions newest first
     */
    public record PluginModels(String pluginId, List<ModelVersion> versions) {
    }

    /**
     * A model version.
     *
     * @param version   number
     * @param createdAt when saved
     * @param promoted  whether it is the serving version
     * @param metrics   evaluation metrics
     */
    public record ModelVersion(int version, Instant createdAt, boolean promoted, Map<String, Double> metrics) {
    }
}
