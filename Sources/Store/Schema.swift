/// The database schema, as numbered migrations. Never edit a released migration; add one.
public enum Schema {
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
                result BLOB NOT NULL,           -- the first answer, as JSON
                created_at INTEGER NOT NULL,
                PRIMARY KEY (scope, key)
            ) WITHOUT ROWID;
            """),
    ]
}
