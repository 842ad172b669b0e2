-- init: nothing at all. Measures what a fresh state costs (newstate + openlibs + one exec).
return "init"
