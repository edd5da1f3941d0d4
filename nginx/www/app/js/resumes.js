// resumes.js - (in progress)
