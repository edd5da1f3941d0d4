// tailor.js - (in progress)
