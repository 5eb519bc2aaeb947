-- qemlflow-lint server through nvim-lspconfig, which has no entry for it: declare one, then set it up.
local lspconfig = require('lspconfig')
local configs = require('lspconfig.configs')

if not configs.qemlflow_lint then
  configs.qemlflow_lint = {
    default_config = {
      cmd = { 'qemlflow-lint', 'server' },
      filetypes = { 'python' },
      root_dir = lspconfig.util.root_pattern('pyproject.toml', 'setup.cfg', '.git'),
      init_options = { unsafeFixes = false, importCost = true },
    },
  }
end
lspconfig.qemlflow_lint.setup({})
