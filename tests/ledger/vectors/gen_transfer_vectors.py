#!/usr/bin/env python3
"""Writes transfer_vectors.json: test vectors for the transfer encoding.

This is a second, independent implementation of docs/ENCODING.md (sections
"Transfer signing bytes", "Transfer id", "Signature" and "Address"), written
from the document alone in another language and with another Ed25519 library
(pyca/cryptography, OpenSSL) than the ledger (libsodium). The C++ test
tests/ledger/transfer_test.cc checks the ledger against its output.

The vectors were generated once, reviewed by hand and committed. If the C++
test fails, fix the C++ code or the spec, not the vectors: regenerating them
from changed code would make the test check the code against itself.

    python3 tests/ledger/vectors/gen_transfer_vectors.py > tests/ledger/vectors/transfer_vectors.json
"""

import base64
import hashlib
import json
import struct
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

DOMAIN = b"remit-transfer-v2"


def public_key(seed: bytes) -> bytes:
    key = Ed25519PrivateKey.from_private_bytes(seed)
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def address(key: bytes) -> str:
    checksum = hashlib.blake2b(b"remit-address-v1" + key, digest_size=32).digest()[:4]
    # 36 bytes -> 58 base32 characters; the standard padding '=' is dropped.
    return "rmt1" + base64.b32encode(key + checksum).decode().rstrip("=").lower()


def signing_bytes(t: dict) -> bytes:
    chain_id = t["chain_id"].encode()
    asset = t["asset"].encode()
    memo = t["memo"].encode()
    assert len(chain_id) <= 32 and len(asset) <= 12 and len(memo) <= 140
    assert len(t["genesis_hash"]) == 32
    return b"".join([
        DOMAIN,
        struct.pack(">B", len(chain_id)), chain_id,
        t["genesis_hash"],
        t["from"], t["to"],
        struct.pack(">B", len(asset)), asset,
        struct.pack(">QQQ", t["amount_minor"], t["sequence"], t["expiry_unix_ms"]),
        struct.pack(">H", len(memo)), memo,
        struct.pack(">Q", t["fee_minor"]),
    ])


RFC8032_SEED_1 = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
SEED_COUNTING = bytes(range(32))
SEED_ONES = bytes([1] * 32)
SEED_FF = bytes([0xFF] * 32)

MAX_I64 = 2**63 - 1
MAX_U64 = 2**64 - 1
JAN_2026_MS = 1767225600000
# The genesis hash of chain_vectors.json's genesis (gen_chain_vectors.py
# checks that it is), so that "basic" is also block 1's transfer there.
CHAIN_GENESIS_HASH = bytes.fromhex(
    "9978b9f6af6ed944547c2788edc8482c6092b9a9fdf44b8a1f6ad5635b8b9d6c")
GENESIS_COUNTING = bytes(range(100, 132))
GENESIS_FF = bytes([0xFF] * 32)

CASES = [
    dict(name="basic", seed=RFC8032_SEED_1, to_seed=SEED_ONES, chain_id="remit-local",
         genesis_hash=CHAIN_GENESIS_HASH, asset="USD", amount_minor=1250, sequence=0, expiry_unix_ms=JAN_2026_MS, memo="",
         fee_minor=0),
    dict(name="memo_non_ascii", seed=SEED_COUNTING, to_seed=RFC8032_SEED_1,
         chain_id="remit-local", genesis_hash=CHAIN_GENESIS_HASH, asset="MXN", amount_minor=50000, sequence=7,
         expiry_unix_ms=JAN_2026_MS, memo="Renta de marzo \u2013 \u00a1gracias! \U0001F1F2\U0001F1FD \u20b1",
         fee_minor=0),
    # 46 three-byte euro signs and two ASCII bytes: exactly 140 bytes.
    dict(name="memo_max_size", seed=SEED_ONES, to_seed=SEED_COUNTING, chain_id="remit-local",
         genesis_hash=GENESIS_COUNTING, asset="EUR", amount_minor=99, sequence=1, expiry_unix_ms=JAN_2026_MS,
         memo="\u20ac" * 46 + "!!", fee_minor=0),
    dict(name="field_maxima", seed=SEED_FF, to_seed=SEED_ONES,
         chain_id="remit-testnet-0123456789abcdefgh", genesis_hash=GENESIS_FF,
         asset="ABCDEFGH1234",
         amount_minor=MAX_I64, sequence=MAX_U64, expiry_unix_ms=MAX_U64, memo="max",
         fee_minor=MAX_I64),
    dict(name="field_minima_with_fee", seed=SEED_ONES, to_seed=SEED_FF, chain_id="c",
         genesis_hash=bytes(32), asset="K", amount_minor=1, sequence=0, expiry_unix_ms=0, memo="", fee_minor=25),
    dict(name="memo_control_characters", seed=SEED_COUNTING, to_seed=SEED_FF,
         chain_id="remit-local", genesis_hash=GENESIS_COUNTING, asset="KES", amount_minor=300000, sequence=2**32,
         expiry_unix_ms=JAN_2026_MS + 1, memo="line 1\nline 2\t\"quoted\"\\ and a NUL:\u0000.",
         fee_minor=1),
]


def vector(case: dict) -> dict:
    sender = public_key(case["seed"])
    recipient = public_key(case["to_seed"])
    transfer = dict(case, **{"from": sender, "to": recipient})
    message = signing_bytes(transfer)
    signature = Ed25519PrivateKey.from_private_bytes(case["seed"]).sign(message)
    return {
        "name": case["name"],
        "seed": case["seed"].hex(),
        "public_key": sender.hex(),
        "address": address(sender),
        "transfer": {
            "chain_id": case["chain_id"],
            "genesis_hash": case["genesis_hash"].hex(),
            "from": sender.hex(),
            "to": recipient.hex(),
            "asset": case["asset"],
            "amount_minor": str(case["amount_minor"]),
            "sequence": str(case["sequence"]),
            "expiry_unix_ms": str(case["expiry_unix_ms"]),
            "memo": case["memo"],
            "memo_hex": case["memo"].encode().hex(),
            "fee_minor": str(case["fee_minor"]),
        },
        "to_address": address(recipient),
        "signing_bytes": message.hex(),
        "signature": signature.hex(),
        "transfer_id": hashlib.blake2b(message, digest_size=32).hexdigest(),
    }


def main() -> None:
    document = {
        "description": (
            "Remit transfer encoding test vectors (docs/ENCODING.md). Byte strings are lower-case "
            "hex; 64-bit integers are decimal strings so that every JSON parser reads them "
            "exactly; memo is also given as the hex of its UTF-8 bytes."),
        "vectors": [vector(case) for case in CASES],
    }
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
