package io.footfall.simulator;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** URLs and titles of the simulated storefront (on the reserved {@code example.com} domain). */
final class Pages {

    static final String ORIGIN = "https://shop.example.com";
    static final String SHOP_NAME = "Footfall Demo Shop";

    private final Catalogue catalogue;
    private final String[] categoryPaths;

    Pages(Catalogue catalogue) {
        this.catalogue = catalogue;
        categoryPaths = new String[catalogue.categories().size()];
        for (int c = 0; c < categoryPaths.length; c++) {
            categoryPaths[c] = "/c/" + slug(catalogue.categories().get(c));
        }
    }

    /** Path of a page; {@code arg} is the category or product index, ignored otherwise. */
    String path(PageType type, int arg) {
        return switch (type) {
            case HOME -> "/";
            case CATEGORY -> categoryPaths[arg];
            case SEARCH -> "/search";
            case PRODUCT -> "/p/" + catalogue.product(arg).productId();
            case CART -> "/cart";
            case CHECKOUT -> "/checkout";
        };
    }

    /** The {@code ?q=} part of a search page, else empty. */
    static String search(PageType type, String query) {
        return type == PageType.SEARCH ? "?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8) : "";
    }

    String title(PageType type, int arg) {
        return switch (type) {
            case HOME -> SHOP_NAME;
            case CATEGORY -> catalogue.categories().get(arg).replace("/", " › ") + " | " + SHOP_NAME;
            case SEARCH -> "Search | " + SHOP_NAME;
            case PRODUCT -> catalogue.product(arg).name() + " | " + SHOP_NAME;
            case CART -> "Your cart | " + SHOP_NAME;
            case CHECKOUT -> "Checkout | " + SHOP_NAME;
        };
    }

    /** A search query a shopper would type for a category, e.g. {@code "running shoe"}. */
    static String query(Catalogue catalogue, int category, int variant) {
        String path = catalogue.categories().get(category);
        String leaf = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        return switch (variant % 3) {
            case 0 -> leaf;
            case 1 -> leaf + " sale";
            default -> "best " + leaf;
        };
    }

    static String slug(String path) {
        return path.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9/]+", "-");
    }
}
