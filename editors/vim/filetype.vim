" rubric policies are *.rules files.  Vim's own detection also claims
" *.rules (udev's, and Snort's as "hog"); this file, read before Vim's when
" its folder comes first in 'runtimepath' (~/.vim), wins without a fight.
" udev's rules.d folders keep their own type.
if exists('did_load_filetypes')
  finish
endif
augroup filetypedetect
  autocmd! BufRead,BufNewFile *.rules
    \ if expand('<afile>:p') !~# '/rules\.d/' | setfiletype rubric | endif
augroup END
