"""The book check (tests/check_book.py, run by `make book`) catches maths that renders broken."""
from __future__ import annotations

from tests.check_book import math_problems

# what MyST renders for a display formula written against its paragraph: the $$ pair up wrong
BROKEN = ('<p>character from the previous one only,\n<span class="math notranslate nohighlight">'
          r'\( is how often character \)</span><em>j</em> follows $$</p>')
CLEAN = ('<p>With <span class="math notranslate nohighlight">\\(\\operatorname{count}(i\\,j) + '
         r'\alpha\)</span> counts and <code class="docutils literal">cost = "$5"</code>,</p>'
         '<div class="math notranslate nohighlight">\\[\\mathcal{L} = -\\log \\operatorname'
         r'{softmax}(z)_y, \qquad m = [\,y \neq \text{pad id}\,]\]</div>'
         '<div class="math">\\(x = \\begin{pmatrix} 1 & 2 \\end{pmatrix}\\)</div>'
         '<div class="cell_output"><pre>price $3</pre></div>')


def test_prose_inside_a_formula_and_a_stray_dollar_are_found():
    found = math_problems(BROKEN)
    assert any("prose inside a formula" in p and "how often" in p for p in found), found
    assert any("stray $" in p for p in found), found


def test_formulas_with_text_arguments_code_and_outputs_pass():
    assert math_problems(CLEAN) == []


def test_figures_without_alt_text_and_widgets_are_found():
    from tests.check_book import figure_problems

    bad = ('<div class="cell_output"><img alt="../_images/3f2a.png" src="../_images/3f2a.png"/>'
           '<img src="../_images/77.png"/>'
           '<script type="application/vnd.jupyter.widget-view+json">{"model_id": "x"}</script></div>')
    found = figure_problems(bad)
    assert sum("without alt text" in p for p in found) == 2, found
    assert any("widget" in p for p in found), found
    good = '<div class="cell_output"><img alt="Figure: loss against step" src="../_images/1.png"/></div>'
    assert figure_problems(good) == []
