/// The database schema, as numbered migrations. Never edit a released migration; add one.
public enum Schema {
    /// The newest migration this version knows: a file past it was upgraded by a newer goodwill.
    public static let newestVersion = migrations.map(\.version).max() ?? 0

    public static let migrations: [Migration] = [
        Migration(version: 1, name: "ledger", sql: """
            CREATE TABLE holders (
                id TEXT PRIMARY KEY,
                email_key TEXT UNIQUE,          -- normalized email, for finding a holder again
                email TEXT,
                name TEXT,
                locale TEXT,
                time_zone TEXT,
                first_seen_at INTEGER NOT NULL, -- Unix ms
                erased_at INTEGER
            ) WITHOUT ROWID;

            CREATE TABLE vouchers (
                seq INTEGER PRIMARY KEY,        -- insertion order, for stable cursors
                id TEXT NOT NULL UNIQUE,
                code TEXT NOT NULL,             -- as shown
                code_key TEXT NOT NULL UNIQUE,  -- normalized, for lookup
                issuer TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('gift_card', 'experience')),
                status TEXT NOT NULL CHECK (status IN ('active','redeemed','expired','voided','blocked','refunded')),
                currency TEXT NOT NULL,
                value INTEGER NOT NULL CHECK (value > 0),
                balance INTEGER NOT NULL CHECK (balance >= 0),
                issued_at INTEGER NOT NULL,
                last_valid_day TEXT,            -- YYYY-MM-DD in time_zone; NULL: no expiry
                expires_at INTEGER,             -- Unix ms, end of last_valid_day in time_zone
                time_zone TEXT NOT NULL,
                holder_id TEXT REFERENCES holders(id),
                purchaser_id TEXT REFERENCES holders(id),
                experience TEXT,
                message TEXT,
                CHECK ((last_valid_day IS NULL) = (expires_at IS NULL))
            );
            CREATE INDEX vouchers_status_expiry ON vouchers(status, expires_at);
            CREATE INDEX vouchers_holder ON vouchers(holder_id);
            CREATE INDEX vouchers_purchaser ON vouchers(purchaser_id);

            -- Append-only: triggers refuse UPDATE and DELETE, so a correction is always a new entry.
            CREATE TABLE entries (
                id INTEGER PRIMARY KEY,         -- chain order
                voucher_id TEXT NOT NULL REFERENCES vouchers(id),
                kind TEXT NOT NULL,
                amount INTEGER NOT NULL,
                balance_after INTEGER NOT NULL CHECK (balance_after >= 0),
                currency TEXT NOT NULL,
                at INTEGER NOT NULL,
                actor TEXT NOT NULL,
                reason TEXT,
                reference TEXT,
                idempotency_key TEXT,
                related_entry_id INTEGER REFERENCES entries(id),
                last_valid_day_after TEXT,
                time_zone_after TEXT,
                expires_at_after INTEGER,
                status_after TEXT NOT NULL,
                decision_id INTEGER,
                prev_hash BLOB NOT NULL,
                hash BLOB NOT NULL
            );
            CREATE INDEX entries_voucher ON entries(voucher_id, id);
            CREATE UNIQUE INDEX entries_one_reversal ON entries(related_entry_id) WHERE kind = 'redemption_reversed';
            CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
                BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
            CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
                BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;

            -- A retried request with the same key gets the first answer back.
            CREATE TABLE idempotency (
                scope TEXT NOT NULL,            -- who asked (actor), so clients cannot collide
                key TEXT NOT NULL,
                fingerprint BLOB NOT NULL,      -- SHA-256 of the canonical request
                result BLOB NOT NULL,           -- what the first answer was made of (entry, decision ids)
                created_at INTEGER NOT NULL,
                PRIMARY KEY (scope, key)
            ) WITHOUT ROWID;
            """),
        Migration(version: 2, name: "goodwill policies", sql: """
            -- Every policy version ever activated, with its exact bytes, so a decision can be replayed.
            CREATE TABLE policies (
                id TEXT NOT NULL,
                version INTEGER NOT NULL,
                hash TEXT NOT NULL,             -- SHA-256 hex of source
                source BLOB NOT NULL,
                file_name TEXT NOT NULL,
                added_at INTEGER NOT NULL,
                PRIMARY KEY (id, version)
            ) WITHOUT ROWID;

            CREATE TABLE active_policy (
                issuer TEXT PRIMARY KEY,
                policy_id TEXT NOT NULL,
                policy_version INTEGER NOT NULL,
                activated_at INTEGER NOT NULL,
                activated_by TEXT NOT NULL,
                FOREIGN KEY (policy_id, policy_version) REFERENCES policies(id, version)
            ) WITHOUT ROWID;

            -- The law in force per issuer: a jurisdiction preset's code and exact bytes.
            CREATE TABLE jurisdiction (
                issuer TEXT PRIMARY KEY,
                code TEXT NOT NULL,
                source BLOB NOT NULL,
                set_at INTEGER NOT NULL,
                set_by TEXT NOT NULL
            ) WITHOUT ROWID;

            -- Every goodwill decision taken on a request or applied by the system, with the facts
            -- and the trace (decision_json), so it can be explained to the holder and audited.
            CREATE TABLE decisions (
                id INTEGER PRIMARY KEY,
                voucher_id TEXT NOT NULL REFERENCES vouchers(id),
                at INTEGER NOT NULL,
                policy_id TEXT NOT NULL,
                policy_version INTEGER NOT NULL,
                policy_hash TEXT NOT NULL,
                requester TEXT NOT NULL,
                outcome TEXT NOT NULL CHECK (outcome IN ('grant', 'refer', 'deny', 'no_rule')),
                rule_name TEXT,
                days_granted INTEGER NOT NULL DEFAULT 0,   -- applied days; 0 when nothing was applied
                value_extended INTEGER NOT NULL DEFAULT 0, -- balance kept alive by it, for the monthly budget
                currency TEXT NOT NULL,
                actor TEXT NOT NULL,
                is_override INTEGER NOT NULL DEFAULT 0,
                reason TEXT,
                decision_json TEXT NOT NULL
            );
            CREATE INDEX decisions_voucher ON decisions(voucher_id, id);
            CREATE INDEX decisions_granted_at ON decisions(at) WHERE days_granted > 0;

            -- Support cases: an open case is a fact the goodwill policy can use.
            CREATE TABLE support_cases (
                id INTEGER PRIMARY KEY,
                holder_id TEXT NOT NULL REFERENCES holders(id),
                subject TEXT NOT NULL,
                opened_at INTEGER NOT NULL,
                opened_by TEXT NOT NULL,
                closed_at INTEGER,
                closed_by TEXT,
                resolution TEXT
            );
            CREATE INDEX support_cases_open ON support_cases(holder_id) WHERE closed_at IS NULL;
            """),
        Migration(version: 3, name: "reminders", sql: """
            -- Opt-ins that belong to reminders, not to the ledger: a note to the purchaser of a gift.
            CREATE TABLE reminder_preferences (
                voucher_id TEXT PRIMARY KEY REFERENCES vouchers(id),
                notify_purchaser INTEGER NOT NULL CHECK (notify_purchaser IN (0, 1)),
                updated_at INTEGER NOT NULL
            ) WITHOUT ROWID;

            -- The outbox: one row per message that must go out. The UNIQUE constraint, not code,
            -- makes "once per voucher, kind and expiry (or ledger entry)" hold across processes.
            CREATE TABLE reminder_outbox (
                id INTEGER PRIMARY KEY,
                message_id TEXT NOT NULL UNIQUE,        -- stable: RFC 5322 Message-ID, webhook-id, maildir name
                voucher_id TEXT NOT NULL REFERENCES vouchers(id),
                kind TEXT NOT NULL CHECK (kind IN ('expiry_reminder', 'gift_notice', 'extension_granted', 'refund_closing')),
                days_before INTEGER NOT NULL DEFAULT 0, -- which reminder of the cadence (30, 7, 1)
                expires_at INTEGER NOT NULL DEFAULT 0,  -- the expiry it is about, Unix ms (0: none)
                entry_id INTEGER NOT NULL DEFAULT 0,    -- the ledger entry it follows (0: scheduled)
                recipient_role TEXT NOT NULL CHECK (recipient_role IN ('holder', 'purchaser')),
                send_zone TEXT NOT NULL,                -- whose night to respect
                due_at INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL,
                lease_until INTEGER,                    -- a claimed row whose lease ran out is claimed again
                channel TEXT,
                sent_at INTEGER,
                last_error TEXT,
                UNIQUE (voucher_id, kind, days_before, expires_at, entry_id)
            );
            CREATE INDEX reminder_outbox_due ON reminder_outbox(status, next_attempt_at);

            -- Every delivery attempt, for support and for the retry schedule.
            CREATE TABLE reminder_attempts (
                id INTEGER PRIMARY KEY,
                outbox_id INTEGER NOT NULL REFERENCES reminder_outbox(id),
                at INTEGER NOT NULL,
                channel TEXT NOT NULL,
                outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'temporary', 'permanent', 'endpoint_gone')),
                error TEXT
            );
            CREATE INDEX reminder_attempts_outbox ON reminder_attempts(outbox_id, id);

            -- How far the sweep has read the ledger for event messages (extension, refund).
            CREATE TABLE reminder_cursors (
                name TEXT PRIMARY KEY,
                entry_id INTEGER NOT NULL
            ) WITHOUT ROWID;

            -- Webhook endpoints that answered 410 Gone: nothing more is sent until re-enabled.
            CREATE TABLE reminder_endpoints (
                endpoint TEXT PRIMARY KEY,
                disabled_at INTEGER NOT NULL,
                reason TEXT NOT NULL
            ) WITHOUT ROWID;
            """),
        Migration(version: 4, name: "api keys", sql: """
            -- API keys: only a SHA-256 of the secret is kept; the secret is shown once, at creation.
            -- A name is never reused (it is the actor on ledger entries), so a revoked key keeps its row.
            CREATE TABLE api_keys (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                role TEXT NOT NULL CHECK (role IN ('admin', 'issuer', 'redeemer', 'support', 'auditor')),
                secret_hash TEXT NOT NULL UNIQUE,   -- SHA-256 hex of the whole secret
                prefix TEXT NOT NULL,               -- the first characters of the secret, to recognise it
                created_at INTEGER NOT NULL,
                revoked_at INTEGER
            );
            """),
        supportMigration,
        reportIndexOrderMigration,
        danishPayoutYearMigration,
        idempotencyScopeMigration,
        holderReopeningMigration,
        payoutReferenceMigration,
        outboxCancelMigration,
        outboxClaimMigration,
        voucherLinksMigration,
        reportScanMigration,
    ]
}
