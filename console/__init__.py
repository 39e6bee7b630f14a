"""The console: server-rendered pages in 中文 over the same application and reports as the API."""
