-- Headless Neovim (0.7+) as an LSP client of `dflint lsp`: open a Dockerfile, wait for the
-- diagnostics, ask for a hover, write both to a file for tests/lsp_nvim.rs.
-- Environment: DFLINT_BIN, DFLINT_FILE, DFLINT_OUT.
local bin = os.getenv("DFLINT_BIN")
local file = os.getenv("DFLINT_FILE")
local out = os.getenv("DFLINT_OUT")
local lines = {}

vim.cmd("edit " .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start_client({
  name = "dflint",
  cmd = { bin, "lsp", "--stdio" },
  root_dir = vim.fn.fnamemodify(file, ":h"),
})
vim.lsp.buf_attach_client(buf, client_id)

local got = vim.wait(20000, function()
  return #vim.diagnostic.get(buf) > 0
end, 50)
if not got then
  table.insert(lines, "TIMEOUT waiting for diagnostics")
end
for _, d in ipairs(vim.diagnostic.get(buf)) do
  local code = d.code
  if code == nil and d.user_data and d.user_data.lsp then
    code = d.user_data.lsp.code
  end
  table.insert(lines, string.format("diag %d:%d %s %s", d.lnum, d.col, tostring(code), d.message))
end

local client = vim.lsp.get_client_by_id(client_id)
local resp = client.request_sync("textDocument/hover", {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  position = { line = 1, character = 1 },
}, 10000, buf)
local hover = "NO HOVER"
if resp and resp.result and resp.result.contents then
  hover = resp.result.contents.value or vim.inspect(resp.result.contents)
end
table.insert(lines, "hover " .. hover:gsub("\n", " "))
vim.fn.writefile(lines, out)
vim.cmd("qall!")
