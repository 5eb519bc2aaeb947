-- qemlflow-lint server for Python buffers, Neovim 0.8 and newer: vim.lsp.start reuses the
-- running server of the same name and root folder.
vim.api.nvim_create_autocmd('FileType', {
  pattern = 'python',
  callback = function(args)
    vim.lsp.start({
      name = 'qemlflow-lint',
      cmd = { 'qemlflow-lint', 'server' },
      root_dir = vim.fs.dirname(vim.fs.find({ 'pyproject.toml', '.git' }, {
        path = vim.api.nvim_buf_get_name(args.buf),
        upward = true,
      })[1]),
      init_options = { unsafeFixes = false, importCost = true },
    })
  end,
})
