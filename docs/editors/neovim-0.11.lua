-- qemlflow-lint server on Neovim 0.11 and newer: vim.lsp.config declares it, vim.lsp.enable
-- starts it for every Python buffer (nvim-lspconfig not needed).
vim.lsp.config('qemlflow_lint', {
  cmd = { 'qemlflow-lint', 'server' },
  filetypes = { 'python' },
  root_markers = { 'pyproject.toml', 'setup.cfg', '.git' },
  init_options = { unsafeFixes = false, importCost = true },
})
vim.lsp.enable('qemlflow_lint')
