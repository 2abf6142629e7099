"""A small character-level GPT, short enough to read: the model, its text and vocabulary, sampling.

- ``model.py``: ``GPTConfig`` and ``GPT`` (embeddings, causal self-attention blocks, head);
- ``config.py``: the lesson's options -> ``GPTConfig`` (also for a checkpoint), and their checks;
- ``text.py``: loading a UTF-8 text (or the built-in corpus) and its character ``Vocabulary``;
- ``sampling.py``: ``generate`` / ``sample`` (temperature, top-k), ``greedy``, ``attention_map``.

Used by ``core/lessons/char_gpt.py`` and ``core/front/sample.py`` (``learn-tui sample``).
"""
