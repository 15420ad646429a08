/**
 * Typed configuration specs: a plugin describes its settings so the host can validate them and the
 * admin UI can render a form.
 *
 * @since 0.1
 */
package io.footfall.api.config;
