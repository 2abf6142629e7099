"""The app's screens: the lesson picker, the training view, and the dialogs over them."""

from pathlib import Path

# Each screen's styles (its CSS_PATH), read when the first one opens, not on the picker's first frame. Absolute:
# Textual reads a relative CSS_PATH beside the file of the class, and tui/attach.py subclasses TrainingScreen.
TRAINING_STYLES = Path(__file__).with_name("training.tcss")
DIALOG_STYLES = Path(__file__).with_name("dialogs.tcss")
