# The values that differ in the sandbox: its one Developer Console app.
app_id = "sandbox-app"
