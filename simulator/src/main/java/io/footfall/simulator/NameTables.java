package io.footfall.simulator;

import java.util.List;

/** Fixed word lists from which the simulator draws synthetic names. */
final class NameTables {

    /** A category template: path, product noun, price range in whole euros. */
    record CategoryTemplate(String path, String noun, int minEuros, int maxEuros) {
    }

    static final List<CategoryTemplate> CATEGORIES = List.of(
            new CategoryTemplate("Shoes/Running", "Running Shoe", 60, 180),
            new CategoryTemplate("Books/Fiction", "Novel", 8, 30),
            new CategoryTemplate("Electronics/Audio", "Headphones", 25, 400),
            new CategoryTemplate("Home/Kitchen", "Chef's Knife", 20, 150),
            new CategoryTemplate("Beauty/Skincare", "Face Cream", 8, 70),
            new CategoryTemplate("Sports/Cycling", "Bike Helmet", 30, 200),
            new CategoryTemplate("Fashion/Women", "Summer Dress", 25, 120),
            new CategoryTemplate("Toys", "Building Set", 10, 120),
            new CategoryTemplate("Shoes/Casual", "Sneaker", 40, 140),
            new CategoryTemplate("Books/Cooking", "Cookbook", 15, 45),
            new CategoryTemplate("Electronics/Phones", "Smartphone", 150, 1200),
            new CategoryTemplate("Home/Garden", "Garden Hose", 15, 90),
            new CategoryTemplate("Beauty/Fragrance", "Eau de Parfum", 30, 150),
            new CategoryTemplate("Sports/Fitness", "Yoga Mat", 15, 80),
            new CategoryTemplate("Fashion/Men", "Chino Trousers", 25, 110),
            new CategoryTemplate("Grocery/Coffee", "Coffee Beans", 6, 35),
            new CategoryTemplate("Shoes/Hiking", "Hiking Boot", 80, 250),
            new CategoryTemplate("Books/Children", "Picture Book", 6, 20),
            new CategoryTemplate("Electronics/Accessories", "Charger", 10, 60),
            new CategoryTemplate("Home/Furniture", "Side Table", 60, 500),
            new CategoryTemplate("Pets", "Dog Bed", 20, 110),
            new CategoryTemplate("Outdoor/Camping", "Tent", 60, 450),
            new CategoryTemplate("Music/Instruments", "Ukulele", 40, 300),
            new CategoryTemplate("Office", "Notebook", 3, 25));

    static final List<String> ADJECTIVES = List.of(
            "Classic", "Pro", "Ultra", "Eco", "Lite", "Max", "Urban", "Trail", "Essential", "Premium", "Compact",
            "Smart", "Nova", "Flex", "Prime", "Air");

    static final List<String> BRAND_HEADS = List.of(
            "Al", "Bre", "Cor", "Dal", "El", "Fen", "Gor", "Hal", "Is", "Jun", "Kor", "Lun", "Mar", "Nor", "Ol",
            "Pel", "Quin", "Ros", "Sol", "Tor", "Ul", "Vel", "Wil", "Yar", "Zen");

    static final List<String> BRAND_TAILS = List.of(
            "da", "vik", "ora", "ex", "ia", "ton", "ro", "ix", "en", "ara", "us", "el", "mo", "sa");

    static final List<String> FIRST_NAMES = List.of(
            "Ada", "Ben", "Clara", "David", "Elif", "Finn", "Greta", "Hugo", "Ines", "Jonas", "Karla", "Luca",
            "Mila", "Noah", "Olga", "Paul", "Rosa", "Sami", "Tara", "Umut", "Vera", "Wim", "Yara", "Zoe");

    static final List<String> LAST_NAMES = List.of(
            "Andersen", "Bauer", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Horvat", "Ivanova", "Jansen",
            "Kowalski", "Lindqvist", "Moreau", "Novak", "Olsen", "Petit", "Rossi", "Schmidt", "Teixeira", "Varga");

    static final List<String> USER_AGENTS = List.of(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0");

    static final List<String> LOCALES = List.of("de-DE", "fr-FR", "en-GB", "nl-NL", "es-ES", "it-IT", "pl-PL");

    /** Documentation address blocks (RFC 5737); no real host is ever named. */
    static final List<String> IP_PREFIXES = List.of("192.0.2.", "198.51.100.", "203.0.113.");

    static final List<String> EXTERNAL_REFERRERS = List.of(
            "", "", "https://www.google.com/", "https://www.bing.com/", "https://news.example.org/deals",
            "https://social.example.net/feed", "https://mail.example.com/newsletter");

    static final List<String> PLANS = List.of("free", "plus", "premium");

    static final List<String> REVIEW_BODIES = List.of(
            "Does what it says.", "Great value for the price.", "Arrived quickly, well packed.",
            "Not quite what I expected.", "Would buy again.", "Excellent quality.", "Okay, nothing special.");

    /** Coupon code and percent off. */
    record Coupon(String code, String name, int percent) {
    }

    static final List<Coupon> COUPONS = List.of(
            new Coupon("WELCOME10", "Welcome 10%", 10),
            new Coupon("SAVE15", "Save 15%", 15),
            new Coupon("FLASH20", "Flash sale 20%", 20));

    private NameTables() {
    }
}
