package io.footfall.collector.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.sdk.Json;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RowFormatsTest {

    @TempDir
    Path dir;

    /** Maps a file the way Backfill does, collecting events and bad rows. */
    static final class Collected implements RowFormat.Emitter {
        final List<Map<?, ?>> events = new ArrayList<>();
        final List<RowFormat.Out> outs = new ArrayList<>();
        final List<String> bad = new ArrayList<>();

        @Override
        public void emit(RowFormat.Out event) {
            outs.add(event);
            events.add((Map<?, ?>) Json.parse(event.json()));
        }

        @Override
        public void bad(long line, String reason) {
            bad.add(line + ": " + reason);
        }
    }

    static Collected map(RowFormat format, String text) {
        Collected c = new Collected();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            try {
                List<String> fields = format.split(lines[i]);
                if (i == 0 && format.isHeader(fields)) {
                    continue;
                }
                format.row(fields, i + 1, lines[i].strip(), c);
            } catch (BadRow e) {
                c.bad(i + 1, e.getMessage());
            }
        }
        format.finish(c);
        return c;
    }

    private static Map<?, ?> props(Map<?, ?> event) {
        return (Map<?, ?>) event.get("properties");
    }

    @Test
    void userBehavior() {
        Collected c = map(new UserBehaviorFormat("ub.csv"), """
                1,2268318,2520377,pv,1511544070
                1,2333346,2520771,cart,1511561733
                1,2576651,149192,fav,1511572885
                7,4666650,4145813,buy,1511917606
                1,2268318,2520377,click,1511544070
                1,2268318,2520377,pv
                ,2268318,2520377,pv,1511544070
                1,2268318,2520377,pv,yesterday
                1,2268318,2520377,pv,99999999999
                1,2268318,2520377,pv,99999999999999999
                """);
        assertEquals(List.of("5: behavior is not one of pv, cart, fav, buy",
                "6: expected 5 fields (user,item,category,behavior,timestamp), found 4",
                "7: user is empty", "8: timestamp is not an integer",
                "9: timestamp is out of range (before 1990 or in the future)",
                "10: timestamp is out of range (before 1990 or in the future)"), c.bad);
        assertEquals(4, c.events.size());
        Map<?, ?> pv = c.events.get(0);
        assertEquals("Product Viewed", pv.get("event"));
        assertEquals("1", pv.get("userId"));
        assertEquals("2268318", props(pv).get("product_id"));
        assertEquals("2520377", props(pv).get("category"));
        assertEquals(Instant.ofEpochSecond(1511544070).toString(), pv.get("timestamp"));
        assertEquals(pv.get("timestamp"), pv.get("originalTimestamp"));
        assertFalse(pv.containsKey("sentAt"), "no sentAt: the server keeps the historical time as is");
        assertEquals("Product Added", c.events.get(1).get("event"));
        assertEquals("Product Added to Wishlist", c.events.get(2).get("event"));
        Map<?, ?> buy = c.events.get(3);
        assertEquals("Order Completed", buy.get("event"));
        assertEquals("4666650", ((Map<?, ?>) ((List<?>) props(buy).get("products")).get(0)).get("product_id"));
    }

    @Test
    void messageIdsDependOnTagAndContentOnly() {
        String row = "1,2268318,2520377,pv,1511544070\n";
        String a = (String) map(new UserBehaviorFormat("ub.csv"), row).events.get(0).get("messageId");
        String again = (String) map(new UserBehaviorFormat("ub.csv"), "1,9,9,pv,1511544071\n" + row).events.get(1).get("messageId");
        String otherTag = (String) map(new UserBehaviorFormat("other.csv"), row).events.get(0).get("messageId");
        assertEquals(a, again, "same row, same id, wherever it is in the file");
        assertNotEquals(a, otherTag);
    }

    @Test
    void retailRocketGroupsTransactions() {
        Collected c = map(new RetailRocketFormat("rr"), """
                timestamp,visitorid,event,itemid,transactionid
                1433221332117,257597,view,355908,
                1433224214164,992329,addtocart,248676,
                1433222000000,5,transaction,100,t-1
                1433221999000,5,transaction,101,t-1
                1433222000000,6,transaction,100,t-2
                1433222000000,6,transaction,,t-2
                1433222000000,6,purchase,100,
                1433222000000,6,view,100
                """);
        assertEquals(List.of("7: itemid is empty", "8: event is not one of view, addtocart, transaction",
                "6: skipped with the rest of its order: line 7 of the order is bad"), c.bad);
        assertEquals(4, c.events.size(), "view, addtocart (4 fields accepted), view, one order");
        assertEquals("257597", c.events.get(0).get("anonymousId"));
        assertEquals(Instant.ofEpochMilli(1433221332117L).toString(), c.events.get(0).get("timestamp"));
        Map<?, ?> order = c.events.get(3);
        assertEquals("Order Completed", order.get("event"));
        assertEquals("t-1", props(order).get("order_id"));
        assertEquals(2, ((List<?>) props(order).get("products")).size());
        assertEquals(Instant.ofEpochMilli(1433221999000L).toString(), order.get("timestamp"), "the earliest row's time");
        assertEquals(4, c.outs.get(3).firstLine());
        assertEquals(5, c.outs.get(3).lastLine());
    }

    @Test
    void movieLensInAllThreeSpellings() {
        Collected c = map(new MovieLensFormat("ml"), """
                userId,movieId,rating,timestamp
                1,31,2.5,1260759144
                196\t242\t3\t881250949
                1::1193::5::978300760
                1,31,11,1260759144
                1,31,x,1260759144
                """);
        assertEquals(List.of("5: rating is not between 0 and 10", "6: rating is not a number"), c.bad);
        assertEquals(3, c.events.size());
        assertEquals("Product Reviewed", c.events.get(0).get("event"));
        assertEquals(2.5, props(c.events.get(0)).get("rating"));
        assertEquals("242", props(c.events.get(1)).get("product_id"));
        assertEquals("1193", props(c.events.get(2)).get("product_id"));
    }

    @Test
    void onlineRetailInvoicesBecomeOrders() {
        Collected c = map(new OnlineRetailFormat("or", ZoneId.of("Europe/London")), """
                "","InvoiceNo","StockCode","Description","Quantity","InvoiceDate","UnitPrice","CustomerID","Country"
                "1","536365","85123A","WHITE HANGING HEART T-LIGHT HOLDER",6,"12/1/2010 8:26",2.55,17850,"United Kingdom"
                "2","536365","71053","WHITE METAL LANTERN",6,"12/1/2010 8:26",3.39,17850,"United Kingdom"
                "3","C536379","D","Discount",-1,"12/1/2010 9:41",27.5,14527,"United Kingdom"
                "4","536400","22","FLOWER GLASS GARLD NECKL36""AMETHYST",1,"6/1/2011 9:10",7.9,NA,"France"
                "5","536401","22","ok",1,"6/1/2011 9:10",7.9,NA,"France"
                "6","536401","23","bad price",1,"6/1/2011 9:10",-7.9,NA,"France"
                "7","536402","23","bad date",1,"2011-13-45",1,NA,"France"
                "8","536403","23","short",1,"6/1/2011 9:10"
                """);
        assertEquals(List.of("7: UnitPrice is negative", "8: InvoiceDate is not a date (M/d/yyyy H:mm)",
                "9: expected 9 fields, found 6", "6: skipped with the rest of its order: line 7 of the order is bad"), c.bad);
        assertEquals(3, c.events.size());
        Map<?, ?> order = c.events.get(0);
        assertEquals("Order Completed", order.get("event"));
        assertEquals("17850", order.get("userId"));
        assertEquals("536365", props(order).get("order_id"));
        assertEquals(35.64, props(order).get("revenue"));
        assertEquals("GBP", props(order).get("currency"));
        assertEquals(2, ((List<?>) props(order).get("products")).size());
        assertEquals("2010-12-01T08:26:00Z", order.get("timestamp"), "London time in winter is UTC");
        Map<?, ?> refund = c.events.get(1);
        assertEquals("Order Refunded", refund.get("event"));
        assertEquals(1L, ((Map<?, ?>) ((List<?>) props(refund).get("products")).get(0)).get("quantity"));
        Map<?, ?> guest = c.events.get(2);
        assertEquals("guest-536400", guest.get("anonymousId"));
        assertEquals("2011-06-01T08:10:00Z", guest.get("timestamp"), "London summer time is UTC+1");
        assertEquals("FLOWER GLASS GARLD NECKL36\"AMETHYST", ((Map<?, ?>) ((List<?>) props(guest).get("products")).get(0)).get("name"));
    }

    @Test
    void theWholeOnlineRetailSampleIsValid() throws IOException, URISyntaxException, InterruptedException {
        Path sample = Path.of(getClass().getResource("/online_retail_sample.csv").toURI());
        Backfill.Report r = new Backfill(sample, new OnlineRetailFormat("s", ZoneId.of("Europe/London")), null,
                new Backfill.Options(500, 400_000, 1, true, 20, Long.MAX_VALUE), null).run();
        assertEquals(2710, r.lines());
        assertEquals(0, r.badRows(), r.badSamples().toString());
        long invoices = Files.readAllLines(sample).stream().skip(1).map(l -> l.split(",")[1]).distinct().count();
        assertEquals(invoices, r.events(), "one event per invoice");
        assertTrue(r.complete());
    }

    @Test
    void backfillReportsBadRowsWithLineNumbers() throws Exception {
        Path file = dir.resolve("ub.csv");
        Files.writeString(file, "1,2,3,pv,1511544070\n\n1,2,3,zz,1511544070\n1,2,3,pv,1511544071\n");
        Backfill.Report r = new Backfill(file, new UserBehaviorFormat("ub"), null,
                new Backfill.Options(500, 400_000, 1, true, 20, Long.MAX_VALUE), null).run();
        assertEquals(2, r.events());
        assertEquals(1, r.badRows());
        assertEquals(List.of("line 3: behavior is not one of pv, cart, fav, buy"), r.badSamples());
    }

    @Test
    void csvQuoting() throws BadRow {
        assertEquals(List.of("a", "b,c", "d\"e", ""), Csv.split("a,\"b,c\",\"d\"\"e\",", ','));
        assertEquals(List.of("", "x"), Csv.split(",x", ','));
        org.junit.jupiter.api.Assertions.assertThrows(BadRow.class, () -> Csv.split("\"open,x", ','));
    }

    @Test
    void anOrderOverTheServersEventLimitIsReportedNotSent() throws Exception {
        Path file = dir.resolve("retail.csv");
        StringBuilder rows = new StringBuilder("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n");
        for (int i = 0; i < 400; i++) {
            rows.append("536365,S").append(i).append(",A DESCRIPTION LONG ENOUGH TO FILL THE EVENT,1,12/1/2010 8:26,2.55,17850,United Kingdom\n");
        }
        rows.append("536366,S1,SMALL,1,12/1/2010 8:27,2.55,17850,United Kingdom\n");
        Files.writeString(file, rows);
        Backfill.Report r = new Backfill(file, new OnlineRetailFormat("or", ZoneId.of("UTC")), null,
                new Backfill.Options(500, 400_000, 1, true, 20, Long.MAX_VALUE), null).run();
        assertEquals(1, r.events());
        assertEquals(List.of("line 2: the event is larger than the server's 32768 bytes per event (lines 2–401)"), r.badSamples());
    }
}
