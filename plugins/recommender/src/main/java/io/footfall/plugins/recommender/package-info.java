/**
 * The recommender plugin and its host-free algorithms: popularity, co-visitation, EASE, implicit ALS and ItemKNN
 * over an {@link io.footfall.plugins.recommender.Interactions} matrix, the offline {@link
 * io.footfall.plugins.recommender.Evaluation} and its command ({@link io.footfall.plugins.recommender.EvaluateCsv}).
 */
package io.footfall.plugins.recommender;
