#!/usr/bin/env python3
"""Writes op_vectors.json: test vectors for the signed operations.

A second, independent implementation of docs/ENCODING.md section 8
("Operations": the common header, each kind's body and domain tag, the
claim key and the claim proof), written from the document alone with
another Ed25519 library (pyca/cryptography) than the ledger (libsodium).
tests/ledger/operation_test.cc checks the ledger against its output.

As for the other generators: the output is reviewed and committed; if the
C++ test fails, fix the C++ code or the spec, not the vectors.

    python3 tests/ledger/vectors/gen_op_vectors.py > tests/ledger/vectors/op_vectors.json
"""

import hashlib
import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_transfer_vectors import (  # noqa: E402
    CHAIN_GENESIS_HASH, JAN_2026_MS, MAX_I64, MAX_U64, RFC8032_SEED_1, SEED_COUNTING, SEED_FF,
    SEED_ONES, public_key)
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

DOMAINS = {
    "strict_send": b"remit-strict-send-v1",
    "strict_receive": b"remit-strict-receive-v1",
    "offer_create": b"remit-offer-create-v1",
    "offer_cancel": b"remit-offer-cancel-v1",
    "basket_mint": b"remit-basket-mint-v1",
    "basket_redeem": b"remit-basket-redeem-v1",
    "create_claim": b"remit-create-claim-v1",
    "claim": b"remit-claim-v1",
    "reclaim": b"remit-reclaim-v1",
}


def blake2b(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=32).digest()


def u8(v): return struct.pack(">B", v)
def u16(v): return struct.pack(">H", v)
def u64(v): return struct.pack(">Q", v)


def asset(code: str) -> bytes:
    data = code.encode()
    assert 1 <= len(data) <= 12
    return u8(len(data)) + data


def body_bytes(kind: str, b: dict) -> bytes:
    if kind == "strict_send":
        return (b["to"] + asset(b["send_asset"]) + u64(b["send_amount_minor"]) +
                asset(b["deliver_asset"]) + u64(b["deliver_min_minor"]))
    if kind == "strict_receive":
        return (b["to"] + asset(b["send_asset"]) + u64(b["send_max_minor"]) +
                asset(b["deliver_asset"]) + u64(b["deliver_amount_minor"]))
    if kind == "offer_create":
        return (asset(b["sell_asset"]) + asset(b["buy_asset"]) + u64(b["amount_minor"]) +
                u64(b["price_n"]) + u64(b["price_d"]) + u64(b["offer_expiry_unix_ms"]))
    if kind == "offer_cancel":
        return b["offer_id"]
    if kind in ("basket_mint", "basket_redeem"):
        return asset(b["basket_asset"]) + u64(b["amount_minor"])
    if kind == "create_claim":
        return (asset(b["asset"]) + u64(b["amount_minor"]) + b["claim_key"] +
                u64(b["claim_expiry_unix_ms"]))
    if kind == "claim":
        assert len(b["claim_id"]) == 32 and len(b["proof"]) == 64
        return b["claim_id"] + b["proof"]
    if kind == "reclaim":
        return b["claim_id"]
    raise ValueError(kind)


def signing_bytes(op: dict) -> bytes:
    chain_id = op["chain_id"].encode()
    memo = op["memo"].encode()
    assert len(chain_id) <= 32 and len(memo) <= 140 and len(op["genesis_hash"]) == 32
    return b"".join([
        DOMAINS[op["kind"]], u8(len(chain_id)), chain_id, op["genesis_hash"], op["signer"],
        u64(op["sequence"]), u64(op["expiry_unix_ms"]), u16(len(memo)), memo,
        body_bytes(op["kind"], op["body"]),
    ])


def claim_key(code: bytes) -> Ed25519PrivateKey:
    assert 16 <= len(code) <= 64
    return Ed25519PrivateKey.from_private_bytes(blake2b(b"remit-claim-key-v1" + code))


def claim_proof_bytes(genesis_hash: bytes, claim_id: bytes, claimant: bytes) -> bytes:
    return b"remit-claim-proof-v1" + genesis_hash + claim_id + claimant


SENDER = public_key(RFC8032_SEED_1)
RECIPIENT = public_key(SEED_ONES)
CLAIM_CODE = b"correct horse battery staple 42"


def header(seed: bytes, kind: str, sequence: int, memo: str = "", expiry=JAN_2026_MS) -> dict:
    return {"kind": kind, "seed": seed, "chain_id": "remit-local",
            "genesis_hash": CHAIN_GENESIS_HASH, "signer": public_key(seed),
            "sequence": sequence, "expiry_unix_ms": expiry, "memo": memo}


def cases() -> list:
    out = []
    out.append(dict(header(RFC8032_SEED_1, "strict_send", 1, "para mamá"), name="strict_send",
                    body={"to": RECIPIENT, "send_asset": "USD", "send_amount_minor": 1000,
                          "deliver_asset": "PHP", "deliver_min_minor": 57000}))
    out.append(dict(header(RFC8032_SEED_1, "strict_receive", 2), name="strict_receive",
                    body={"to": RECIPIENT, "send_asset": "USD", "send_max_minor": 900,
                          "deliver_asset": "PHP", "deliver_amount_minor": 50000}))
    out.append(dict(header(SEED_FF, "strict_receive", MAX_U64, "max", MAX_U64),
                    name="strict_receive_maxima",
                    body={"to": public_key(SEED_FF), "send_asset": "ABCDEFGH1234",
                          "send_max_minor": MAX_I64, "deliver_asset": "ZYXWVUTS9876",
                          "deliver_amount_minor": MAX_I64}))
    out.append(dict(header(SEED_COUNTING, "offer_create", 0), name="offer_create",
                    body={"sell_asset": "PHP", "buy_asset": "USD", "amount_minor": 5825000,
                          "price_n": 2010000, "price_d": 116500000,
                          "offer_expiry_unix_ms": 0}))
    out.append(dict(header(SEED_COUNTING, "offer_create", 1), name="offer_create_price_maxima",
                    body={"sell_asset": "USD", "buy_asset": "KES", "amount_minor": 1,
                          "price_n": MAX_U64, "price_d": MAX_U64 - 1,
                          "offer_expiry_unix_ms": JAN_2026_MS + 86400000}))
    out.append(dict(header(SEED_COUNTING, "offer_cancel", 2), name="offer_cancel",
                    body={"offer_id": bytes(range(32))}))
    out.append(dict(header(RFC8032_SEED_1, "basket_mint", 3), name="basket_mint",
                    body={"basket_asset": "RMX", "amount_minor": 250}))
    out.append(dict(header(RFC8032_SEED_1, "basket_redeem", 4), name="basket_redeem",
                    body={"basket_asset": "RMX", "amount_minor": 100}))
    key = claim_key(CLAIM_CODE).public_key().public_bytes_raw()
    create = dict(header(RFC8032_SEED_1, "create_claim", 5, "para carol"), name="create_claim",
                  body={"asset": "USD", "amount_minor": 500, "claim_key": key,
                        "claim_expiry_unix_ms": JAN_2026_MS + 14 * 86400000})
    out.append(create)
    claim_id = blake2b(signing_bytes(create))
    proof = claim_key(CLAIM_CODE).sign(claim_proof_bytes(CHAIN_GENESIS_HASH, claim_id, RECIPIENT))
    out.append(dict(header(SEED_ONES, "claim", 0), name="claim",
                    body={"claim_id": claim_id, "proof": proof}))
    out.append(dict(header(RFC8032_SEED_1, "reclaim", 6), name="reclaim",
                    body={"claim_id": claim_id}))
    return out


def jsonable(value):
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


def vector(case: dict) -> dict:
    message = signing_bytes(case)
    signature = Ed25519PrivateKey.from_private_bytes(case["seed"]).sign(message)
    operation = {k: case[k] for k in ("chain_id", "genesis_hash", "signer", "sequence",
                                      "expiry_unix_ms", "memo", "body")}
    return {"name": case["name"], "kind": case["kind"], "seed": case["seed"].hex(),
            "operation": jsonable(operation), "signing_bytes": message.hex(),
            "signature": signature.hex(), "id": blake2b(message).hex()}


def main() -> None:
    key = claim_key(CLAIM_CODE)
    all_cases = cases()
    create = next(c for c in all_cases if c["name"] == "create_claim")
    claim_id = blake2b(signing_bytes(create))
    proof_message = claim_proof_bytes(CHAIN_GENESIS_HASH, claim_id, RECIPIENT)
    document = {
        "description": (
            "Remit operation encoding test vectors (docs/ENCODING.md section 8). Byte strings "
            "are lower-case hex; 64-bit integers are decimal strings. The claim vector's proof "
            "is claim_code's claim key signing the proof bytes for the create_claim vector's id "
            "and the claim vector's signer."),
        "claim_code": {
            "code_hex": CLAIM_CODE.hex(),
            "claim_seed": blake2b(b"remit-claim-key-v1" + CLAIM_CODE).hex(),
            "claim_key": key.public_key().public_bytes_raw().hex(),
            "claim_id": claim_id.hex(),
            "claimant": RECIPIENT.hex(),
            "proof_bytes": proof_message.hex(),
            "proof": key.sign(proof_message).hex(),
        },
        "vectors": [vector(case) for case in all_cases],
    }
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
