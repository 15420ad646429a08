package io.footfall.reporting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Product details in the reporting read model come from the latest event in the log that named each of them, whichever
 * batch commits last: the reporting projection's segments (ADR 0021, step 5) commit batches of interleaved log ranges
 * in any order. Batches are written here out of log order through the projection's writer, against the real schema.
 */
@QuarkusTest
class ProductDetailsOrderTest {

    @Inject
    DataSource dataSource;

    @Test
    void theLatestDetailInTheLogWinsWhicheverBatchCommitsLast() throws Exception {
        String id = "order-test-" + System.nanoTime();
        // committed in this order: the batch at position 200 first, then 100, then 50
        write(id, new ReportFold.ProductInfo("New name", null, null, 200, -1, -1));
        assertEquals(List.of("New name", "-", "-"), details(id));
        write(id, new ReportFold.ProductInfo("Old name", "Shoes", "Acme", 100, 100, 100));
        assertEquals(List.of("New name", "Shoes", "Acme"), details(id), "only what the later batch did not name");
        write(id, new ReportFold.ProductInfo("Oldest name", "Boots", null, 50, 50, -1));
        assertEquals(List.of("New name", "Shoes", "Acme"), details(id), "an earlier detail never overwrites a later one");
        // a later batch names the category again
        write(id, new ReportFold.ProductInfo(null, "Sandals", null, -1, 300, -1));
        assertEquals(List.of("New name", "Sandals", "Acme"), details(id));
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("DELETE FROM report_product WHERE product_id = ?")) {
            s.setString(1, id);
            s.executeUpdate();
        }
    }

    private void write(String id, ReportFold.ProductInfo info) throws Exception {
        ReportFold fold = new ReportFold(person -> null);
        fold.productInfo.put(id, info);
        try (Connection c = dataSource.getConnection()) {
            ReportWriter.write(c, fold);
        }
    }

    private List<String> details(String id) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT name, category, brand FROM report_product WHERE product_id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return List.of(orDash(rs.getString(1)), orDash(rs.getString(2)), orDash(rs.getString(3)));
            }
        }
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }
}
