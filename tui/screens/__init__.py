"""The app's screens: the lesson picker, the training view, and the dialogs over them."""
