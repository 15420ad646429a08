package io.footfall.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.core.config.InstanceRoles.Role;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InstanceRolesTest {

    @Test
    void allAndListsAndSpacesAndCase() {
        assertEquals(EnumSet.allOf(Role.class), InstanceRoles.parse("all"));
        assertEquals(EnumSet.of(Role.INGEST, Role.SERVE), InstanceRoles.parse(" Ingest , serve"));
        assertEquals(EnumSet.of(Role.PROCESS), InstanceRoles.parse("process,"));
        InstanceRoles roles = new InstanceRoles("process");
        assertTrue(roles.process());
        assertFalse(roles.ingest());
        assertFalse(roles.serve());
        assertEquals(Set.of("process"), roles.names());
    }

    @Test
    void unknownOrNoRoleIsRefusedNamingTheSetting() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> InstanceRoles.parse("ingest,procss"));
        assertTrue(unknown.getMessage().startsWith("footfall.roles: unknown role 'procss'"), unknown.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> InstanceRoles.parse(" , "));
        assertTrue(none.getMessage().startsWith("footfall.roles: no role given"), none.getMessage());
    }
}
