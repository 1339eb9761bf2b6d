"""Custom actions: where answers are chosen (knowledge base + clinic configuration)."""
