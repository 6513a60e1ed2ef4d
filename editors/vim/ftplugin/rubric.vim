" Vim filetype plugin
" Language: rubric policies (*.rules)

if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1

let s:cpo_save = &cpo
set cpo&vim

setlocal commentstring=#\ %s
setlocal comments=:#
" Continue comments on a new line; wrap only comments.
setlocal formatoptions-=t formatoptions+=croql

" gq formats with `rubric fmt`, which reads standard input with `-`.  It
" formats whole statements only: use it on the whole file (gggqG), where
" its text is exactly `rubric fmt`'s.
setlocal formatprg=rubric\ fmt\ -

" :make checks the current file as CI does (`--strict`: a lint is an
" error) and fills the quickfix list from `file:line:col: error: msg`
" and `file:line:col: warning: msg [lint]`.  The source line and caret
" that follow each message are skipped.
setlocal makeprg=rubric\ check\ --strict\ %:S
setlocal errorformat=%f:%l:%c:\ %trror:\ %m,%f:%l:%c:\ %tarning:\ %m,%-G%.%#

let b:undo_ftplugin = 'setlocal commentstring< comments< formatoptions< formatprg< makeprg< errorformat<'

let &cpo = s:cpo_save
unlet s:cpo_save
