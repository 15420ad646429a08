package io.footfall.core.profile;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** Which person an identifier ({@code user:…} or {@code anon:…}) belongs to. */
@Entity
@Table(name = "identity_link")
public class IdentityLinkEntity {
    @Id
    public String identifier;

    @Column(name = "person_id", nullable = false)
    public String personId;

    @Column(name = "linked_at", nullable = false)
    public Instant linkedAt;
}
