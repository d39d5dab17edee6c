"""Verifying what a customer shows at the till, offline: a v2 IC member record and a member code.

    python -m benchmarks.card_verify [--rounds 5000]

A v2 record is checked the way a tap is (pos_app.domain.till_keys.BlockVerifier.verify:
layout, certified issuing key, Ed25519 signature over UID and record, validity, revocation,
card number and generation), with a directory of 200 certified tills as a chain would have;
a member code the way a scan is (pos_app.domain.member_code.verify). Target: p99 under 2 ms
each. Prints JSON (milliseconds): wall time, and the CPU time of the calling thread, since on a
shared machine the wall p99 is mostly time spent waiting for a CPU.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import uuid
from datetime import date

from headoffice.signing import HeadOfficeSigner
from headoffice.till_certificates import make_certificate
from pos_app.domain import member_code
from pos_app.domain.signing import CONTEXT_MEMBER_CODE, TrustedKeys
from pos_app.domain.till_keys import BlockVerifier, IssuerDirectory, TillSigner

UID = bytes.fromhex("04A1B2C3D4E5F6")
TODAY = date(2026, 11, 28)


def summary(samples: list[float]) -> dict[str, float]:
    s = sorted(samples)
    return {"p50_ms": round(s[len(s) // 2] * 1000, 4),
            "p99_ms": round(s[min(len(s) - 1, int(len(s) * 0.99))] * 1000, 4),
            "mean_ms": round(statistics.fmean(s) * 1000, 4), "n": len(s)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5000)
    ap.add_argument("--tills", type=int, default=200)
    args = ap.parse_args(argv)

    hq = HeadOfficeSigner.generate()
    trusted = TrustedKeys.of([hq.public])
    certs = {}
    signers = []
    for i in range(args.tills):
        signer = TillSigner.generate()
        signer.certificate = make_certificate(hq, f"till-{i}", f"S{i // 4:03d}", f"T{i % 4:02d}",
                                              signer.public_key, date(2025, 1, 1))
        certs[signer.kid] = signer.certificate
        signers.append(signer)
    verifier = BlockVerifier(trusted, IssuerDirectory(certs))
    records = [signers[i % len(signers)].encode(f"8800{i:08d}", 1, UID, TODAY)
               for i in range(256)]

    block_samples, block_cpu = [], []
    for n in range(args.rounds):
        record = records[n % len(records)]
        c, t = time.thread_time(), time.perf_counter()
        verifier.verify(record, UID, f"8800{n % len(records):08d}", 1)
        block_samples.append(time.perf_counter() - t)
        block_cpu.append(time.thread_time() - c)

    rules = member_code.MemberCodeRules()
    now = 1_764_316_800
    step = now // rules.step_s
    codes = []
    for _ in range(256):
        signed = member_code.signed_part(hq.kid, str(uuid.uuid4()), step, rules.step_s)
        codes.append(member_code.encode(signed, hq.sign(CONTEXT_MEMBER_CODE, signed)))
    code_samples, code_cpu = [], []
    for n in range(args.rounds):
        text = codes[n % len(codes)]
        c, t = time.thread_time(), time.perf_counter()
        member_code.verify(text, trusted, now + 1, rules)
        code_samples.append(time.perf_counter() - t)
        code_cpu.append(time.thread_time() - c)

    json.dump({"certified_tills": args.tills, "v2_record_bytes": len(records[0]),
               "verify_v2_ic_record": summary(block_samples),
               "verify_v2_ic_record_cpu": summary(block_cpu),
               "verify_member_code": summary(code_samples),
               "verify_member_code_cpu": summary(code_cpu)}, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
