#!/usr/bin/env python3
"""Writes chain_vectors.json: a genesis and one block, with every hash.

Like gen_transfer_vectors.py, an independent implementation of
docs/ENCODING.md ("Genesis hash", "Payload hash", "Block hash", "State
hash"), run once; its output is reviewed and committed, and
tests/ledger/block_test.cc checks the ledger against it. Do not regenerate
it to make a failing test pass.

    python3 tests/ledger/vectors/gen_chain_vectors.py > tests/ledger/vectors/chain_vectors.json
"""

import hashlib
import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_transfer_vectors import (  # noqa: E402
    CHAIN_GENESIS_HASH, RFC8032_SEED_1, SEED_ONES, address, public_key, signing_bytes)
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402


def blake2b(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=32).digest()


def u8(v): return struct.pack(">B", v)
def u16(v): return struct.pack(">H", v)
def u32(v): return struct.pack(">I", v)
def u64(v): return struct.pack(">Q", v)
def i64(v): return struct.pack(">q", v)


def genesis_hash(genesis: dict) -> tuple[str, bytes]:
    canonical = json.dumps(genesis, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return canonical, blake2b(canonical.encode())


def merkle_leaf(transfer_id: bytes, signature: bytes) -> bytes:
    return blake2b(b"remit-merkle-leaf-v1" + transfer_id + signature)


def merkle_node(left: bytes, right: bytes) -> bytes:
    return blake2b(b"remit-merkle-node-v1" + left + right)


def merkle_root(leaves: list[bytes]) -> bytes:
    """docs/ENCODING.md 4.1: pairs in order; an odd level's last node goes up unchanged."""
    if not leaves:
        return bytes(32)
    level = leaves
    while len(level) > 1:
        above = [merkle_node(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2 == 1:
            above.append(level[-1])
        level = above
    return level[0]


def payload_hash(transfers: list[tuple[bytes, bytes]]) -> bytes:
    leaves = [merkle_leaf(transfer_id, signature) for transfer_id, signature in transfers]
    return blake2b(b"remit-payload-v2" + u32(len(transfers)) + merkle_root(leaves))


def block_hash(h: dict) -> bytes:
    chain_id = h["chain_id"].encode()
    return blake2b(b"remit-block-v1" + u8(len(chain_id)) + chain_id + u64(h["height"]) +
                   u64(h["round"]) + h["parent_hash"] + u64(h["timestamp_unix_ms"]) +
                   h["parent_state_hash"] + h["payload_hash"] + h["proposer"] +
                   (u8(len(h["parent_signers"])) + h["parent_signers"]
                    if h.get("parent_signers") else b""))


def vote_signing_bytes(chain_id: bytes, g_hash: bytes, vote: dict) -> bytes:
    """docs/ENCODING.md section 9: what each signature of a QC signs."""
    return (b"remit-vote-v2" + u8(len(chain_id)) + chain_id + g_hash + vote["block_hash"] +
            u64(vote["round"]) + u64(vote["height"]) + vote["parent_hash"] +
            u64(vote["parent_round"]) + vote["state_hash"])


def state_hash(parent: bytes, height: int, balances: dict, sequences: dict, records: list,
               offers: dict = None, claims: dict = None, basket=None) -> bytes:
    """docs/ENCODING.md "State hash": counted sections of what a block wrote.

    offers: offer_id -> None (removed) or a dict of the offer's fields;
    claims: claim_id -> dict; basket: None or (outstanding, [reserve...]);
    records: (transfer_id, outcome, sent, delivered, [(offer_id, sold, bought)]).
    """
    offers = offers or {}
    claims = claims or {}
    data = b"remit-state-v2" + parent + u64(height)
    data += u32(len(balances))
    for (account, asset), value in sorted(balances.items()):
        data += account + u8(len(asset)) + asset.encode() + i64(value)
    data += u32(len(sequences))
    for account, next_sequence in sorted(sequences.items()):
        data += account + u64(next_sequence)
    data += u32(len(offers))
    for offer_id, offer in sorted(offers.items()):
        data += offer_id
        if offer is None:
            data += u8(0)
            continue
        data += u8(1) + offer["owner"]
        data += u8(len(offer["sell"])) + offer["sell"].encode()
        data += u8(len(offer["buy"])) + offer["buy"].encode()
        data += u64(offer["price_n"]) + u64(offer["price_d"]) + u64(offer["amount"])
        data += u64(offer["expiry"]) + u64(offer["height"]) + u32(offer["position"])
    data += u32(len(claims))
    for claim_id, claim in sorted(claims.items()):
        data += claim_id + claim["sender"] + u8(len(claim["asset"])) + claim["asset"].encode()
        data += u64(claim["amount"]) + claim["claim_key"] + u64(claim["expiry"])
        data += u8(claim["status"]) + claim.get("claimant", bytes(32))
        data += u64(claim["created_height"]) + u64(claim.get("ended_height", 0))
    if basket is None:
        data += u8(0)
    else:
        outstanding, reserve = basket
        data += u8(1) + u64(outstanding) + u32(len(reserve))
        for value in reserve:
            data += u64(value)
    data += u32(len(records))
    for record in records:
        transfer_id, outcome = record[0], record[1]
        sent, delivered, fills = (record[2], record[3], record[4]) if len(record) > 2 else (0, 0, [])
        data += transfer_id + u8(outcome) + u64(sent) + u64(delivered) + u16(len(fills))
        for offer_id, sold, bought in fills:
            data += offer_id + u64(sold) + u64(bought)
    return blake2b(data)


SETTLED = 1
GENESIS_TIME_MS = 1767220000000
BLOCK_1_TIME_MS = 1767220001000


def main() -> None:
    sender_seed = RFC8032_SEED_1
    sender = public_key(sender_seed)
    recipient = public_key(SEED_ONES)
    issuer = public_key(bytes([2] * 32))
    validator = public_key(bytes([3] * 32))

    genesis = {
        "chain_id": "remit-local",
        "genesis_time_unix_ms": GENESIS_TIME_MS,
        "assets": [{"code": "USD", "decimals": 2, "issuer": address(issuer),
                    "transfer_max_minor": 100000000}],
        "balances": [
            {"account": address(issuer), "asset": "USD", "amount_minor": -100000},
            {"account": address(sender), "asset": "USD", "amount_minor": 100000},
        ],
        "validators": [{"public_key": address(validator), "endpoint": "127.0.0.1:7100"}],
    }
    canonical, g_hash = genesis_hash(genesis)
    assert g_hash == CHAIN_GENESIS_HASH, g_hash.hex()

    # Block 0: no transfers, zero parent hash and proposer.
    header_0 = {"chain_id": "remit-local", "height": 0, "round": 0, "parent_hash": bytes(32),
                "timestamp_unix_ms": GENESIS_TIME_MS, "parent_state_hash": g_hash,
                "payload_hash": payload_hash([]), "proposer": bytes(32)}
    block_0_hash = block_hash(header_0)
    genesis_balances = {(issuer, "USD"): -100000, (sender, "USD"): 100000}
    state_0 = state_hash(g_hash, 0, genesis_balances, {}, [])

    # Block 1: the "basic" transfer vector, which settles.
    transfer = {"chain_id": "remit-local", "genesis_hash": g_hash, "from": sender, "to": recipient, "asset": "USD",
                "amount_minor": 1250, "sequence": 0, "expiry_unix_ms": 1767225600000,
                "memo": "", "fee_minor": 0}
    message = signing_bytes(transfer)
    signature = Ed25519PrivateKey.from_private_bytes(sender_seed).sign(message)
    transfer_id = blake2b(message)
    header_1 = {"chain_id": "remit-local", "height": 1, "round": 1, "parent_hash": block_0_hash,
                "timestamp_unix_ms": BLOCK_1_TIME_MS, "parent_state_hash": state_0,
                "payload_hash": payload_hash([(transfer_id, signature)]), "proposer": validator}
    block_1_hash = block_hash(header_1)
    state_1 = state_hash(state_0, 1, {(sender, "USD"): 100000 - 1250, (recipient, "USD"): 1250},
                         {sender: 1}, [(transfer_id, SETTLED)])

    # Block 2: empty, one round later, extending the QC on block 1 (signed by
    # validator 0). The QC on block 2 commits block 1 by the 2-chain rule,
    # and is the commit QC of the §7.2 transfer's receipt proof.
    header_2 = {"chain_id": "remit-local", "height": 2, "round": 2, "parent_hash": block_1_hash,
                "timestamp_unix_ms": BLOCK_1_TIME_MS + 1000, "parent_state_hash": state_1,
                "payload_hash": payload_hash([]), "proposer": validator,
                "parent_signers": b"\x01"}
    block_2_hash = block_hash(header_2)
    state_2 = state_hash(state_1, 2, {}, {}, [])
    vote = {"block_hash": block_2_hash, "round": 2, "height": 2, "parent_hash": block_1_hash,
            "parent_round": 1, "state_hash": state_2}
    vote_bytes = vote_signing_bytes(b"remit-local", g_hash, vote)
    vote_signature = Ed25519PrivateKey.from_private_bytes(bytes([3] * 32)).sign(vote_bytes)

    def header_json(h):
        return {k: (v.hex() if isinstance(v, bytes) else v) for k, v in h.items()}

    document = {
        "description": ("Remit chain test vectors (docs/ENCODING.md): a genesis, its hash, the "
                        "genesis block, block 1 carrying the 'basic' transfer vector, the empty "
                        "block 2, and the QC on block 2 that commits block 1 (the commit QC of "
                        "the transfer's receipt proof). Byte strings are lower-case hex."),
        "genesis_json": json.dumps(genesis, indent=2),
        "genesis_canonical_json": canonical,
        "genesis_hash": g_hash.hex(),
        "block_0": {"header": header_json(header_0), "block_hash": block_0_hash.hex(),
                    "state_hash": state_0.hex()},
        "block_1": {
            "header": header_json(header_1),
            "transfers": [{"signing_bytes": message.hex(), "signature": signature.hex(),
                           "transfer_id": transfer_id.hex()}],
            "block_hash": block_1_hash.hex(),
            "state_hash": state_1.hex(),
            "effects": {
                "balances": [
                    {"account": address(sender), "asset": "USD", "amount_minor": 98750},
                    {"account": address(recipient), "asset": "USD", "amount_minor": 1250}],
                "next_sequences": [{"account": address(sender), "next_sequence": 1}],
                "records": [{"transfer_id": transfer_id.hex(), "outcome": SETTLED}],
            },
        },
        "block_2": {"header": header_json(header_2), "block_hash": block_2_hash.hex(),
                    "state_hash": state_2.hex()},
        "commit_qc": {
            "vote_data": {k: (v.hex() if isinstance(v, bytes) else v) for k, v in vote.items()},
            "vote_signing_bytes": vote_bytes.hex(),
            "signers": [0],
            "signatures": [vote_signature.hex()],
        },
    }
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
