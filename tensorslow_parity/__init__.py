"""Parity tools: run identical models and ops in TensorSlow, TensorFlow and Keras."""
