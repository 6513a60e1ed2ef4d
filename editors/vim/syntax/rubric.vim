" Vim syntax file
" Language: rubric policies (*.rules)
" The words and literals follow grammar/lexer.l: keep the two in step.

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case match

" Statement keywords, and the words that only appear inside statements.
syn keyword rubricStatement policy version import id input param let metric
syn keyword rubricStatement measure group scheme test record action
syn keyword rubricKeyword   na when applies scores otherwise if then else
syn keyword rubricKeyword   is count of one weight given expect from where
syn keyword rubricKeyword   by
syn keyword rubricOperator  and or not
syn keyword rubricBoolean   true false
" `list of` is one word to the language; `list` alone is a name.
syn match   rubricKeyword   /\<list\s\+of\>/
" An action's own lines: `priority` and `reason` are keywords only where a
" line starts, and names everywhere else.
syn match   rubricKeyword   /^\s*\zs\%(priority\|reason\)\>/

syn keyword rubricFunction  min max abs round floor ceil score value lower
syn keyword rubricFunction  upper trim sum mean any all max_by min_by prev
syn keyword rubricFunction  quantile median_of mean_of count_of count_below share_below

" A band line (`red < 40%`, `green >= 90%`) or a scheme's band
" (`red scores 0 when < 40`): the band's name opens the line.
syn match   rubricBand      /^\s*\zs\h\w*\ze\s\+\%(scores\>\|[<>=!]\|\%u2264\|\%u2265\)/

" Literals: the longest first, as the lexer reads them.
syn match   rubricNumber    /\<\d\+\%(\.\d\+\)\=\%([eE][+-]\=\d\+\)\=\>/
syn match   rubricPercent   /\<\d\+\%(\.\d\+\)\=\%([eE][+-]\=\d\+\)\=%/
syn match   rubricDuration  /\<\d\+[ \t]\+\%(days\=\|weeks\=\|months\=\|years\=\)\>/
syn match   rubricDate      /\<\d\{4}-\d\{2}-\d\{2}\>/
syn match   rubricEscape    /\\[nt"\\]/ contained
syn match   rubricPlaceholder /{[^{}"]*}/ contained
syn region  rubricString    start=/"/ skip=/\\\\\|\\"/ end=/"/ oneline contains=rubricEscape,rubricPlaceholder

" As the lexer spells them; the not-equal, less-or-equal and greater-or-equal
" signs are written by code point, so the file reads the same in any 'encoding'.
syn match   rubricOperator  /==\|<=\|>=\|!=\|<>\|??\|\%u2260\|\%u2264\|\%u2265\|[<>=+\-*\/]/

syn keyword rubricTodo      TODO FIXME XXX contained
" `# rubric: allow LINT` silences a lint on its line.
syn match   rubricPragma    /rubric:\s*allow\>.*/ contained
syn match   rubricComment   /#.*$/ contains=rubricTodo,rubricPragma

hi def link rubricStatement   Statement
hi def link rubricKeyword     Keyword
hi def link rubricOperator    Operator
hi def link rubricBoolean     Boolean
hi def link rubricFunction    Function
hi def link rubricBand        Type
hi def link rubricNumber      Number
hi def link rubricPercent     Number
hi def link rubricDuration    Constant
hi def link rubricDate        Constant
hi def link rubricString      String
hi def link rubricEscape      SpecialChar
hi def link rubricPlaceholder Special
hi def link rubricTodo        Todo
hi def link rubricPragma      PreProc
hi def link rubricComment     Comment

let b:current_syntax = 'rubric'

let &cpo = s:cpo_save
unlet s:cpo_save
