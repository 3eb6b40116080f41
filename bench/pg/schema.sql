-- The PostgreSQL baseline's ledger: what an engineer would build instead of
-- Remit on one PostgreSQL (bench/README.md). Double-entry balances in integer
-- minor units, one row per (account, asset); per-sender sequence numbers; a
-- transfer table keyed by transfer id (idempotency) with a history index per
-- account; the same outcomes as Remit (ledger/executor.h). pg-ledgerd checks
-- the Ed25519 signature and the chain before a transfer gets here, and calls
-- settle_batch once per batch of up to 1,000 transfers, in one transaction
-- committed with synchronous_commit = on.

CREATE TABLE assets (
  code text PRIMARY KEY,
  issuer bytea NOT NULL,             -- the only account allowed below zero
  transfer_max_minor bigint NOT NULL -- LIMIT_EXCEEDED above it
);

CREATE TABLE accounts (
  id bytea PRIMARY KEY,
  next_sequence bigint NOT NULL DEFAULT 0
);

CREATE TABLE balances (
  account bytea NOT NULL,
  asset text NOT NULL,
  balance_minor bigint NOT NULL,
  PRIMARY KEY (account, asset)
);

CREATE TABLE transfers (
  id bytea PRIMARY KEY,
  sender bytea NOT NULL,
  recipient bytea NOT NULL,
  asset text NOT NULL,
  amount_minor bigint NOT NULL,
  fee_minor bigint NOT NULL,
  sequence bigint NOT NULL,
  outcome smallint NOT NULL,  -- remit.v1.Outcome
  signed bytea NOT NULL,      -- the SignedTransfer as received, as Remit keeps it
  batch bigint NOT NULL,      -- like Remit's block height
  position integer NOT NULL,
  settled_at timestamptz NOT NULL DEFAULT now()
);
-- Account history, newest first (Remit keeps the same per-account index).
CREATE INDEX transfers_by_sender ON transfers (sender, batch DESC, position DESC);
CREATE INDEX transfers_by_recipient ON transfers (recipient, batch DESC, position DESC);

CREATE SEQUENCE batches;

-- Settles the transfers in order; returns the batch number and one code per
-- transfer:
--   remit.v1.Outcome (1 SETTLED, 2 INSUFFICIENT_FUNDS, 3 UNKNOWN_ASSET,
--   5 LIMIT_EXCEEDED, 6 BALANCE_OVERFLOW, 7 BAD_SEQUENCE: a used sequence),
--   recorded in `transfers`; or, with nothing recorded,
--   -1: the id is already final (the caller reads the original outcome),
--   -2: the sequence is ahead of the sender's next (the caller retries it
--       after the earlier ones).
--
-- Set-based around one ordered pass: the caller names each distinct sender
-- once in `accounts_in` and each distinct (account, asset) balance once in
-- `balance_accounts`/`balance_assets`, and gives every transfer the 1-based
-- slots of its sender's sequence and of the balances it moves (fee_slot 0
-- when there is no fee). The function locks every account the batch touches,
-- in key order (so concurrent batches never deadlock and each sees what the
-- previous ones committed), reads the slots in one query each, applies the
-- transfers in order on those arrays, and writes sequences, balances and
-- transfer rows back with one statement each.
CREATE FUNCTION settle_batch(ids bytea[], seq_slot integer[], from_slot integer[],
                             to_slot integer[], fee_slot integer[], codes text[],
                             amounts bigint[], fees bigint[], sequences bigint[], signed bytea[],
                             accounts_in bytea[], balance_accounts bytea[], balance_assets text[])
RETURNS TABLE (batch_number bigint, outcome_codes smallint[]) LANGUAGE plpgsql AS $$
DECLARE
  n integer := coalesce(array_length(ids, 1), 0);
  result smallint[] := array_fill(0::smallint, ARRAY[n]);
  batch_no bigint := nextval('batches');
  next_seqs bigint[];
  start_seqs bigint[];
  bals numeric[];
  start_bals numeric[];
  existing bytea[];
  asset_codes text[];
  asset_issuers bytea[];
  asset_max bigint[];
  a integer;
  total numeric;
  outcome smallint;
BEGIN
  INSERT INTO accounts (id)
    SELECT DISTINCT x FROM unnest(accounts_in || balance_accounts) AS x ORDER BY x
    ON CONFLICT (id) DO NOTHING;
  PERFORM 1 FROM accounts WHERE id = ANY (accounts_in || balance_accounts) ORDER BY id FOR UPDATE;
  -- After the locks: a batch that settled one of these ids before us has committed.
  SELECT coalesce(array_agg(t.id), '{}') INTO existing FROM transfers t WHERE t.id = ANY (ids);
  SELECT array_agg(acc.next_sequence ORDER BY k.ord) INTO next_seqs
    FROM unnest(accounts_in) WITH ORDINALITY AS k(id, ord) JOIN accounts acc ON acc.id = k.id;
  SELECT array_agg(coalesce(b.balance_minor, 0)::numeric ORDER BY k.ord) INTO bals
    FROM unnest(balance_accounts, balance_assets) WITH ORDINALITY AS k(account, asset, ord)
    LEFT JOIN balances b ON b.account = k.account AND b.asset = k.asset;
  SELECT array_agg(code), array_agg(issuer), array_agg(transfer_max_minor)
    INTO asset_codes, asset_issuers, asset_max FROM assets;
  start_seqs := next_seqs;
  start_bals := bals;
  FOR i IN 1 .. n LOOP
    IF ids[i] = ANY (existing) THEN
      result[i] := -1;
      CONTINUE;
    END IF;
    IF sequences[i] > next_seqs[seq_slot[i]] THEN
      result[i] := -2;
      CONTINUE;
    END IF;
    IF sequences[i] < next_seqs[seq_slot[i]] THEN
      result[i] := 7;
      CONTINUE;
    END IF;
    next_seqs[seq_slot[i]] := next_seqs[seq_slot[i]] + 1;
    a := array_position(asset_codes, codes[i]);
    total := amounts[i]::numeric + fees[i];
    IF a IS NULL THEN
      outcome := 3;
    ELSIF amounts[i] > asset_max[a] THEN
      outcome := 5;
    ELSIF bals[from_slot[i]] - total < 0 AND accounts_in[seq_slot[i]] <> asset_issuers[a] THEN
      outcome := 2;
    ELSIF bals[from_slot[i]] - total < -9223372036854775808
          OR bals[to_slot[i]] + amounts[i] > 9223372036854775807
          OR (fee_slot[i] > 0 AND bals[fee_slot[i]] + fees[i] > 9223372036854775807) THEN
      outcome := 6;
    ELSE
      bals[from_slot[i]] := bals[from_slot[i]] - total;
      bals[to_slot[i]] := bals[to_slot[i]] + amounts[i];
      IF fee_slot[i] > 0 THEN
        bals[fee_slot[i]] := bals[fee_slot[i]] + fees[i];
      END IF;
      outcome := 1;
    END IF;
    result[i] := outcome;
  END LOOP;
  UPDATE accounts acc SET next_sequence = u.next_sequence
    FROM unnest(accounts_in, next_seqs, start_seqs) AS u(id, next_sequence, start_sequence)
    WHERE acc.id = u.id AND u.next_sequence <> u.start_sequence;
  INSERT INTO balances (account, asset, balance_minor)
    SELECT u.account, u.asset, u.balance::bigint
    FROM unnest(balance_accounts, balance_assets, bals, start_bals) AS u(account, asset, balance, start_balance)
    WHERE u.balance <> u.start_balance
    ON CONFLICT (account, asset) DO UPDATE SET balance_minor = excluded.balance_minor;
  INSERT INTO transfers (id, sender, recipient, asset, amount_minor, fee_minor, sequence, outcome,
                         signed, batch, position)
    SELECT u.id, accounts_in[u.seq_slot], balance_accounts[u.to_slot], u.code, u.amount, u.fee,
           u.sequence, u.outcome, u.signed, batch_no, (u.ord - 1)::integer
    FROM unnest(ids, seq_slot, to_slot, codes, amounts, fees, sequences, result, signed)
         WITH ORDINALITY AS u(id, seq_slot, to_slot, code, amount, fee, sequence, outcome, signed, ord)
    WHERE u.outcome > 0;
  RETURN QUERY SELECT batch_no, result;
END;
$$;
