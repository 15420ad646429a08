package io.footfall.simulator;

import java.util.Arrays;

/** The products and quantities in one session's cart. */
final class Cart {

    private int[] products = new int[8];
    private int[] quantities = new int[8];
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    boolean contains(int product) {
        return indexOf(product) >= 0;
    }

    int product(int i) {
        return products[i];
    }

    int quantity(int i) {
        return quantities[i];
    }

    void add(int product, int quantity) {
        if (size == products.length) {
            products = Arrays.copyOf(products, size * 2);
            quantities = Arrays.copyOf(quantities, size * 2);
        }
        products[size] = product;
        quantities[size] = quantity;
        size++;
    }

    void removeAt(int i) {
        System.arraycopy(products, i + 1, products, i, size - i - 1);
        System.arraycopy(quantities, i + 1, quantities, i, size - i - 1);
        size--;
    }

    int[] productsSnapshot() {
        return Arrays.copyOf(products, size);
    }

    int[] quantitiesSnapshot() {
        return Arrays.copyOf(quantities, size);
    }

    private int indexOf(int product) {
        for (int i = 0; i < size; i++) {
            if (products[i] == product) {
                return i;
            }
        }
        return -1;
    }
}
