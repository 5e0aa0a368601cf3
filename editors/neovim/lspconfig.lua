-- dflint with nvim-lspconfig: register the server once, then enable it.
local configs = require("lspconfig.configs")
local lspconfig = require("lspconfig")
if not configs.dflint then
  configs.dflint = {
    default_config = {
      cmd = { "dflint", "lsp", "--stdio" },
      filetypes = { "dockerfile" },
      root_dir = lspconfig.util.root_pattern("dflint.toml", ".dflint.toml", ".git"),
      single_file_support = true,
      -- Editor settings apply when the project has no dflint.toml.
      init_options = { ignore = {}, severity = {} },
    },
  }
end
lspconfig.dflint.setup({})
