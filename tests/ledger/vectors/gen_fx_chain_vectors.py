#!/usr/bin/env python3
"""Writes fx_chain_vectors.json: a genesis with a hub, a basket and a market
maker, and two blocks of operations, with every hash and effect.

Like the other generators, an independent implementation of docs/ENCODING.md
(genesis keys, genesis offers, state hash) and of the crossing and rounding
rules of docs/FX.md and the claim rules of docs/CLAIMS.md, run once; its
output is reviewed and committed, and tests/ledger/fx_vectors_test.cc checks
the ledger against it. Do not regenerate it to make a failing test pass.

    python3 tests/ledger/vectors/gen_fx_chain_vectors.py > tests/ledger/vectors/fx_chain_vectors.json
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_chain_vectors import (  # noqa: E402
    blake2b, block_hash, genesis_hash, payload_hash, state_hash, u32)
from gen_op_vectors import claim_key, claim_proof_bytes, jsonable, signing_bytes  # noqa: E402
from gen_transfer_vectors import address, public_key  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

GENESIS_TIME_MS = 1767220000000
DAY_MS = 86400000
SETTLED, INSUFFICIENT_FUNDS, NOT_OWNER = 1, 2, 12
CLAIM_OPEN, CLAIM_CLAIMED = 1, 2

ISSUER_SEED = bytes([0x21] * 32)
ALICE_SEED = bytes([0x22] * 32)
BOB_SEED = bytes([0x23] * 32)
MAKER_SEED = bytes([0x24] * 32)
VALIDATOR_SEED = bytes([0x25] * 32)
CLAIM_CODE = b"fx chain vector claim code"

ISSUER, ALICE, BOB, MAKER, VALIDATOR = (public_key(s) for s in (
    ISSUER_SEED, ALICE_SEED, BOB_SEED, MAKER_SEED, VALIDATOR_SEED))


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def genesis_doc() -> dict:
    return {
        "chain_id": "remit-fx",
        "genesis_time_unix_ms": GENESIS_TIME_MS,
        "assets": [
            {"code": "USD", "decimals": 2, "issuer": address(ISSUER),
             "transfer_max_minor": 100000000},
            {"code": "PHP", "decimals": 2, "issuer": address(ISSUER),
             "transfer_max_minor": 10000000000},
        ],
        "balances": [
            {"account": address(ISSUER), "asset": "USD", "amount_minor": -210000},
            {"account": address(ISSUER), "asset": "PHP", "amount_minor": -10000000},
            {"account": address(ALICE), "asset": "USD", "amount_minor": 10000},
            {"account": address(MAKER), "asset": "USD", "amount_minor": 200000},
            {"account": address(MAKER), "asset": "PHP", "amount_minor": 10000000},
        ],
        "validators": [{"public_key": address(VALIDATOR), "endpoint": "127.0.0.1:7100"}],
        "hub_asset": "USD",
        "basket": {"code": "RMX", "decimals": 2, "transfer_max_minor": 1000000,
                   "components": [{"asset": "USD", "weight_minor": 1},
                                  {"asset": "PHP", "weight_minor": 50}]},
        "market_maker": {"account": address(MAKER), "base_asset": "USD", "spread_bps": 100,
                         "depth_base_minor": 100000,
                         "rates": [{"asset": "PHP", "base_minor": 100, "asset_minor": 5825}]},
    }


def genesis_offers(g_hash: bytes, maker: dict) -> list:
    """docs/FX.md "Market maker": two offers per rate, mid price raised by half the spread."""
    offers = []
    for rate in maker["rates"]:
        for sell, buy, buy_minor, sell_minor in (
                (maker["base_asset"], rate["asset"], rate["asset_minor"], rate["base_minor"]),
                (rate["asset"], maker["base_asset"], rate["base_minor"], rate["asset_minor"])):
            position = len(offers)
            amount = maker["depth_base_minor"]
            if sell != maker["base_asset"]:
                amount = maker["depth_base_minor"] * rate["asset_minor"] // rate["base_minor"]
            offers.append({
                "id": blake2b(b"remit-genesis-offer-v1" + g_hash + u32(position)),
                "owner": MAKER, "sell": sell, "buy": buy,
                "price_n": buy_minor * (20000 + maker["spread_bps"]),
                "price_d": sell_minor * 20000, "amount": amount, "expiry": 0,
                "height": 0, "position": position})
    return offers


def strict_send_fill(offer: dict, pay: int) -> tuple:
    """(sold, bought) when a taker pays `pay` into the offer (docs/FX.md rounding)."""
    cost_all = ceil_div(offer["amount"] * offer["price_n"], offer["price_d"])
    if pay >= cost_all:
        return offer["amount"], cost_all
    return pay * offer["price_d"] // offer["price_n"], pay


def strict_receive_fill(offer: dict, want: int) -> tuple:
    take = min(want, offer["amount"])
    return take, ceil_div(take * offer["price_n"], offer["price_d"])


def op(seed: bytes, kind: str, sequence: int, body: dict, g_hash: bytes, memo: str = "") -> dict:
    operation = {"kind": kind, "chain_id": "remit-fx", "genesis_hash": g_hash,
                 "signer": public_key(seed), "sequence": sequence,
                 "expiry_unix_ms": GENESIS_TIME_MS + DAY_MS, "memo": memo, "body": body}
    message = signing_bytes(operation)
    signature = Ed25519PrivateKey.from_private_bytes(seed).sign(message)
    return {"operation": operation, "signing_bytes": message, "signature": signature,
            "id": blake2b(message)}


def header(height: int, parent: bytes, parent_state: bytes, ops: list) -> dict:
    h = {"chain_id": "remit-fx", "height": height, "round": height, "parent_hash": parent,
         "timestamp_unix_ms": GENESIS_TIME_MS + 1000 * height, "parent_state_hash": parent_state,
         "payload_hash": payload_hash([(o["id"], o["signature"]) for o in ops]),
         "proposer": VALIDATOR}
    return h


def hexed(value):
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {k: hexed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [hexed(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and value > 2**53:
        return str(value)
    return value


def block_json(h: dict, ops: list, state: bytes, records: list) -> dict:
    return {"header": hexed(h), "block_hash": block_hash(h).hex(), "state_hash": state.hex(),
            "operations": [{"kind": o["operation"]["kind"],
                            "operation": jsonable({k: v for k, v in o["operation"].items()
                                                   if k != "kind"}),
                            "signing_bytes": o["signing_bytes"].hex(),
                            "signature": o["signature"].hex(), "id": o["id"].hex()} for o in ops],
            "records": [{"id": r[0].hex(), "outcome": r[1], "sent_minor": r[2],
                         "delivered_minor": r[3],
                         "fills": [{"offer_id": f[0].hex(), "sold_minor": f[1],
                                    "bought_minor": f[2]} for f in r[4]]} for r in records]}


def main() -> None:
    genesis = genesis_doc()
    canonical, g_hash = genesis_hash(genesis)
    offers = genesis_offers(g_hash, genesis["market_maker"])
    sell_usd, sell_php = offers

    # Block 0: the listed balances less what the maker's offers hold, the
    # offers, and the empty basket.
    balances = {(ISSUER, "USD"): -210000, (ISSUER, "PHP"): -10000000, (ALICE, "USD"): 10000,
                (MAKER, "USD"): 200000 - sell_usd["amount"],
                (MAKER, "PHP"): 10000000 - sell_php["amount"]}
    header_0 = {"chain_id": "remit-fx", "height": 0, "round": 0, "parent_hash": bytes(32),
                "timestamp_unix_ms": GENESIS_TIME_MS, "parent_state_hash": g_hash,
                "payload_hash": payload_hash([]), "proposer": bytes(32)}
    state_0 = state_hash(g_hash, 0, balances, {}, [],
                         offers={o["id"]: o for o in offers}, basket=(0, [0, 0]))

    # Block 1, all alice's: a strict send, a claim, a strict receive to
    # herself, a basket mint.
    key = claim_key(CLAIM_CODE).public_key().public_bytes_raw()
    ops_1 = [
        op(ALICE_SEED, "strict_send", 0,
           {"to": BOB, "send_asset": "USD", "send_amount_minor": 1000, "deliver_asset": "PHP",
            "deliver_min_minor": 57000}, g_hash, "para bob"),
        op(ALICE_SEED, "create_claim", 1,
           {"asset": "USD", "amount_minor": 500, "claim_key": key,
            "claim_expiry_unix_ms": GENESIS_TIME_MS + DAY_MS}, g_hash),
        op(ALICE_SEED, "strict_receive", 2,
           {"to": ALICE, "send_asset": "USD", "send_max_minor": 10, "deliver_asset": "PHP",
            "deliver_amount_minor": 500}, g_hash),
        op(ALICE_SEED, "basket_mint", 3, {"basket_asset": "RMX", "amount_minor": 10}, g_hash),
    ]
    php_offer = dict(sell_php)
    sold_1, bought_1 = strict_send_fill(php_offer, 1000)
    php_offer["amount"] -= sold_1
    sold_3, bought_3 = strict_receive_fill(php_offer, 500)
    assert sold_3 == 500 and bought_3 <= 10
    php_offer["amount"] -= sold_3
    alice_usd = 10000 - 1000 - 500 - bought_3 - 10
    # Alice's PHP arrives and goes into the basket in the same block: written as 0.
    balances_1 = {(ALICE, "USD"): alice_usd, (ALICE, "PHP"): 0, (ALICE, "RMX"): 10,
                  (MAKER, "USD"): 200000 - sell_usd["amount"] + bought_1 + bought_3,
                  (BOB, "PHP"): sold_1}
    claim_id = ops_1[1]["id"]
    claim = {"sender": ALICE, "asset": "USD", "amount": 500, "claim_key": key,
             "expiry": GENESIS_TIME_MS + DAY_MS, "status": CLAIM_OPEN, "created_height": 1}
    records_1 = [(ops_1[0]["id"], SETTLED, 1000, sold_1, [(sell_php["id"], sold_1, bought_1)]),
                 (ops_1[1]["id"], SETTLED, 500, 0, []),
                 (ops_1[2]["id"], SETTLED, bought_3, 500, [(sell_php["id"], sold_3, bought_3)]),
                 (ops_1[3]["id"], SETTLED, 0, 10, [])]
    header_1 = header(1, block_hash(header_0), state_0, ops_1)
    state_1 = state_hash(state_0, 1, balances_1, {ALICE: 4}, records_1,
                         offers={sell_php["id"]: php_offer}, claims={claim_id: claim},
                         basket=(10, [10, 500]))

    # Block 2: bob claims with the code, the maker cancels its USD offer, and
    # bob's reclaim of alice's claim is refused NOT_OWNER.
    proof = claim_key(CLAIM_CODE).sign(claim_proof_bytes(g_hash, claim_id, BOB))
    ops_2 = [
        op(BOB_SEED, "claim", 0, {"claim_id": claim_id, "proof": proof}, g_hash),
        op(MAKER_SEED, "offer_cancel", 0, {"offer_id": sell_usd["id"]}, g_hash),
        op(BOB_SEED, "reclaim", 1, {"claim_id": claim_id}, g_hash),
    ]
    claimed = dict(claim, status=CLAIM_CLAIMED, claimant=BOB, ended_height=2)
    balances_2 = {(BOB, "USD"): 500, (MAKER, "USD"): balances_1[(MAKER, "USD")] + sell_usd["amount"]}
    records_2 = [(ops_2[0]["id"], SETTLED, 0, 500, []),
                 (ops_2[1]["id"], SETTLED, 0, sell_usd["amount"], []),
                 (ops_2[2]["id"], NOT_OWNER, 0, 0, [])]
    header_2 = header(2, block_hash(header_1), state_1, ops_2)
    state_2 = state_hash(state_1, 2, balances_2, {BOB: 2, MAKER: 1}, records_2,
                         offers={sell_usd["id"]: None}, claims={claim_id: claimed})

    document = {
        "description": ("Remit cross-currency chain vectors (docs/ENCODING.md, docs/FX.md, "
                        "docs/CLAIMS.md): a genesis with a hub, a basket and a market maker, its "
                        "genesis offers, and two blocks of operations. Byte strings are "
                        "lower-case hex."),
        "genesis_json": json.dumps(genesis, indent=2),
        "genesis_canonical_json": canonical,
        "genesis_hash": g_hash.hex(),
        "claim_code_hex": CLAIM_CODE.hex(),
        "genesis_offers": [hexed(o) for o in offers],
        "block_0": {"header": hexed(header_0), "block_hash": block_hash(header_0).hex(),
                    "state_hash": state_0.hex()},
        "block_1": block_json(header_1, ops_1, state_1, records_1),
        "block_2": block_json(header_2, ops_2, state_2, records_2),
        "balances_after_block_2": [
            {"account": address(a), "asset": s, "amount_minor": v} for (a, s), v in sorted({
                (ALICE, "USD"): alice_usd, (ALICE, "RMX"): 10, (BOB, "PHP"): sold_1,
                (BOB, "USD"): 500, (MAKER, "USD"): balances_2[(MAKER, "USD")],
                (MAKER, "PHP"): 10000000 - sell_php["amount"]}.items())],
    }
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
