"""Fail when the installed llama-cpp-python is not the portable build `make` asks for.

A wheel compiled elsewhere with GGML_NATIVE=ON (or with AVX-512/AMX) may crash or stop
with "illegal instruction" on another processor: on Xeons with AMX it segfaults on the
bundled SmolLM2's Q4_0 weights. llama.cpp reports the instruction sets it was compiled
with; the portable build has AVX2 and nothing wider.
"""

from __future__ import annotations

import re
import sys


def main() -> int:
    import llama_cpp

    info = llama_cpp.llama_print_system_info().decode()
    enabled = set(re.findall(r"(\w+) = 1", info))
    wider = sorted(flag for flag in enabled if flag.startswith(("AVX512", "AMX", "AVX_VNNI")))
    if wider:
        print(
            f"llama-cpp-python was built for a specific CPU ({', '.join(wider)}): "
            "reinstall it with `make distclean && make` (scripts/build-local-model.sh).",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
