/**
 * Durable storage the host gives each plugin: a key-value state store and a versioned model store.
 * Both are private to the plugin and survive restarts.
 *
 * @since 0.1
 */
package io.footfall.api.store;
