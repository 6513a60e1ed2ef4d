" rubric policies are *.rules files.  Where this runs after Vim's own
" detection has already called one "hog" (Snort), it takes the file back:
" the hog plugins leave no undo, so their marks are cleared for ours.
" udev's rules.d folders keep their own type.
autocmd BufRead,BufNewFile *.rules
  \ if expand('<afile>:p') !~# '/rules\.d/' && &filetype !=# 'rubric'
  \ |   unlet! b:did_ftplugin b:did_indent
  \ |   setlocal indentexpr< indentkeys<
  \ |   set filetype=rubric
  \ | endif
