-- dflint without plugins (Neovim 0.7+): start or reuse the server for each Dockerfile buffer.
vim.api.nvim_create_autocmd("FileType", {
  pattern = "dockerfile",
  callback = function(args)
    local root = vim.fs and vim.fs.dirname(vim.fs.find({ "dflint.toml", ".dflint.toml", ".git" }, { upward = true })[1] or "")
    local config = {
      name = "dflint",
      cmd = { "dflint", "lsp", "--stdio" },
      root_dir = (root ~= nil and root ~= "") and root or vim.fn.getcwd(),
    }
    if vim.lsp.start then -- 0.8+
      vim.lsp.start(config)
    else -- 0.7
      local id = vim.lsp.start_client(config)
      vim.lsp.buf_attach_client(args.buf, id)
    end
  end,
})
