package io.footfall.simulator;

/** The storefront pages a session visits, with their Segment page {@code name}. */
enum PageType {
    HOME("Home"),
    CATEGORY("Category"),
    SEARCH("Search Results"),
    PRODUCT("Product"),
    CART("Cart"),
    CHECKOUT("Checkout");

    final String pageName;

    PageType(String pageName) {
        this.pageName = pageName;
    }
}
