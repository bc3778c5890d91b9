"""Tools › Hours: the trainee's contact and supervision hours toward the chosen target."""
