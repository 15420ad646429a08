/**
 * Footfall's public API for plugin authors: behaviour events ({@code event}), the mining plugin SPI
 * ({@code plugin}), configuration specs ({@code config}), durable stores ({@code store}) and result
 * types ({@code result}). It has no dependencies; plugins see only this package tree from the host.
 *
 * @since 0.1
 */
package io.footfall.api;
