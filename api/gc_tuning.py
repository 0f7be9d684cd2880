"""Garbage-collector settings for the long-running api process."""

import gc
import logging

logger = logging.getLogger(__name__)


def freeze_start_up_objects() -> None:
    """Move everything loaded at start-up (libraries, the anonymiser's name lists and
    tokenizer, compiled queries) into the collector's permanent generation.

    A full collection otherwise walks those millions of objects every time: measured in the
    bridge under 50 concurrent conversations, one took 172 ms, during which every turn in
    flight waited (bench/bridge.py's p95). Call once, after warm-up; objects created later are
    collected as usual.
    """
    gc.collect()
    gc.freeze()
    logger.info("start-up objects frozen for the collector: %d", gc.get_freeze_count())
