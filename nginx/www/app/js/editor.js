// editor.js - (in progress)
