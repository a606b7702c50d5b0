-- Drives Neovim's built-in LSP client against the MQL language server, headless:
--   nvim --headless --clean -n -i NONE -c "luafile lsp-e2e.lua"
-- Environment: MQL_SERVER (server script), MQL_FILE (the .mql file to open), MQL_LINE and MQL_COL
-- (0-based position to complete at), MQL_OUT (where to write the JSON result).
-- Works with Neovim 0.7 (vim.lsp.start_client) and later (vim.lsp.start).

local server = os.getenv('MQL_SERVER')
local file = os.getenv('MQL_FILE')
local out = os.getenv('MQL_OUT')
local line = tonumber(os.getenv('MQL_LINE'))
local col = tonumber(os.getenv('MQL_COL'))
local result = { diagnostics = {}, completion = {}, errors = {} }

local function finish()
  vim.fn.writefile({ vim.fn.json_encode(result) }, out)
  vim.cmd('qall!')
end

local ok, failure = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = 'mql'
  local config = { name = 'mql', cmd = { 'node', server, '--stdio' }, root_dir = vim.fn.fnamemodify(file, ':h') }
  local client_id
  if vim.lsp.start then
    client_id = vim.lsp.start(config)
  else
    client_id = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(bufnr, client_id)
  end

  local published = vim.wait(15000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50)
  if not published then table.insert(result.errors, 'no diagnostics within 15 s') end
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    table.insert(result.diagnostics, {
      line = d.lnum, col = d.col, end_line = d.end_lnum, end_col = d.end_col,
      code = d.code or lsp.code, message = d.message, source = d.source, severity = d.severity,
    })
  end

  local client = vim.lsp.get_client_by_id(client_id)
  local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = { line = line, character = col } }
  local response, err = client.request_sync('textDocument/completion', params, 15000, bufnr)
  if not response then
    table.insert(result.errors, 'completion failed: ' .. tostring(err))
  elseif response.err then
    table.insert(result.errors, 'completion error: ' .. vim.inspect(response.err))
  else
    local items = response.result and (response.result.items or response.result) or {}
    for _, item in ipairs(items) do table.insert(result.completion, item.label) end
  end
  client.stop()
end)

if not ok then table.insert(result.errors, tostring(failure)) end
finish()
