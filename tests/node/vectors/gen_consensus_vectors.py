#!/usr/bin/env python3
"""Consensus signing vectors of docs/ENCODING.md section 9, from the
document alone (not the C++ sources): prints each message's signing bytes
and the Ed25519 signature of the validator key of seed 0303...03.
tests/node/consensus_vectors_test.cc checks the C++ code against them."""
import struct

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

CHAIN_ID = b"remit-local"
GENESIS_HASH = bytes.fromhex("9978b9f6af6ed944547c2788edc8482c6092b9a9fdf44b8a1f6ad5635b8b9d6c")


def u32(value):
    return struct.pack(">I", value)


def u64(value):
    return struct.pack(">Q", value)


def domain():
    return bytes([len(CHAIN_ID)]) + CHAIN_ID + GENESIS_HASH


def vectors():
    vote = (b"remit-vote-v2" + domain() + b"\x11" * 32 + u64(2) + u64(2) + b"\x22" * 32 + u64(1)
            + b"\x33" * 32)
    timeout = b"remit-timeout-v2" + domain() + u64(3) + u64(1)
    proposal = b"remit-proposal-v2" + domain() + b"\x11" * 32
    envelope = b"remit-envelope-v2" + domain() + u32(0) + u64(1767220001000) + b"\x44" * 32
    return [("vote", vote), ("timeout", timeout), ("proposal", proposal), ("envelope", envelope)]


def main():
    key = Ed25519PrivateKey.from_private_bytes(b"\x03" * 32)
    for name, signing_bytes in vectors():
        print(name)
        print(signing_bytes.hex())
        print(key.sign(signing_bytes).hex())


if __name__ == "__main__":
    main()
