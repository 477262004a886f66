-- Encore schema version 5: every offer has a stable key (a UUID), written into catalogue
-- exports, so re-importing an edited export updates the offers it came from instead of adding
-- copies. Keys are unique within an event: an export imported into another event keeps them.

ALTER TABLE offers ADD COLUMN key TEXT NOT NULL DEFAULT '';
-- Offers made before version 4 get a random version-4 UUID each.
UPDATE offers SET key = lower(
    hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)
    || '-' || substr('89AB', 1 + abs(random()) % 4, 1) || substr(hex(randomblob(2)), 2)
    || '-' || hex(randomblob(6)));
CREATE UNIQUE INDEX offers_key ON offers (event_id, key);
