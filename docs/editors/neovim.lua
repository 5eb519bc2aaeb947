-- qemlflow-lint server for Python buffers, with Neovim's own LSP client (0.7 and newer, no plugin).
-- One server per project: the folder of the nearest pyproject.toml, else the working directory.
local qemlflow_lint_clients = {}

vim.api.nvim_create_autocmd('FileType', {
  pattern = 'python',
  callback = function(args)
    local folder = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(args.buf), ':p:h')
    local marker = vim.fn.findfile('pyproject.toml', folder .. ';')
    local root = marker ~= '' and vim.fn.fnamemodify(marker, ':p:h') or vim.fn.getcwd()
    if qemlflow_lint_clients[root] == nil then
      qemlflow_lint_clients[root] = vim.lsp.start_client({
        name = 'qemlflow-lint',
        cmd = { 'qemlflow-lint', 'server' },
        root_dir = root,
        init_options = { unsafeFixes = false, importCost = true },
      })
    end
    vim.lsp.buf_attach_client(args.buf, qemlflow_lint_clients[root])
  end,
})
