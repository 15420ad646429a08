package io.footfall.api.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProfileReaderTest {

    private static ProfileSnapshot snapshot(String user) {
        return new ProfileSnapshot(user, Set.of(), null, null, Map.of(), 0, 0, BigDecimal.ZERO, null, Map.of(), List.of());
    }

    @Test
    void theDefaultBatchReadAsksForEachIdAndLeavesOutThoseWithoutAProfile() {
        List<String> asked = new ArrayList<>();
        ProfileReader reader = id -> {
            asked.add(id);
            return id.startsWith("u") ? Optional.of(snapshot(id)) : Optional.empty();
        };
        Map<String, ProfileSnapshot> found = reader.profiles(List.of("u1", "x", "u2"));
        assertEquals(List.of("u1", "u2"), List.copyOf(found.keySet()));
        assertEquals("u2", found.get("u2").userId());
        assertEquals(List.of("u1", "x", "u2"), asked);
    }
}
