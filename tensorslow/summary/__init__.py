"""``tf.summary``: summary ops (TF1's ``tf.compat.v1.summary``) and the FileWriter for TensorBoard.

``scalar``/``histogram``/``image``/``text`` add graph nodes whose value is a serialized ``Summary``;
``merge_all()`` merges every summary of the graph into one node; ``FileWriter(logdir, graph)`` writes the
graph and, with ``add_summary(value, step)``, each step's summaries to an event file. Running a summary or
opening a FileWriter needs the ``tensorboard`` package (``pip install tensorslow-parity[summary]``);
building the graph does not.
"""
from tensorslow.summary.ops import histogram, image, merge, merge_all, scalar, text
from tensorslow.summary.protos import Event, SessionLog, Summary, SummaryDescription, SummaryMetadata, TaggedRunMetadata
from tensorslow.summary.writer import FileWriter, FileWriterCache

__all__ = ["Event", "FileWriter", "FileWriterCache", "SessionLog", "Summary", "SummaryDescription",
           "SummaryMetadata", "TaggedRunMetadata", "histogram", "image", "merge", "merge_all", "scalar", "text"]
